package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.MemoryUsage;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.memory.MemoryLimit;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Where a model goes among GPUs: {@code auto} takes the GPU with the most free memory that its estimate fits, a GPU
 * passed over is named with the provider's reason, a pool under {@code auto} stays on GPUs, and the host memory a GPU
 * model needs besides (layers left on the CPU) is booked on the CPU for as long as it is loaded.
 */
class GpuPlacementTest {
    /** What one test model estimates: 384 floats × 64 rows. */
    private static final long ONE = 384L * 4 * 64;

    /** A CPU-only engine build that says why. */
    static final class CpuOnly extends TestModelProvider {
        @Override
        public boolean runsOn(DeviceInfo device) {
            return !device.isGpu();
        }

        @Override
        public String cannotRunOnReason(DeviceInfo device) {
            return device.isGpu() ? "libcublasLt.so.12: cannot open shared object file" : null;
        }
    }

    /** Half of every model's memory stays on the host when it runs on a GPU. */
    static final class HalfOnHost extends TestModelProvider {
        @Override
        public long estimateHostMemory(ModelRequirement requirement, DeviceInfo device) {
            return 2 * ONE;
        }
    }

    private static Fixture fixture(TestModelProvider provider, DeviceInfo... gpus) {
        Fixture f = new Fixture(Fixture.SETTINGS.withMemory(MemoryLimit.parse("auto"), false, 0)
            .withGpuMemoryFraction(0.5), provider);
        f.manager.bindDeviceProvider(() -> List.of(gpus));
        return f;
    }

    private static DeviceInfo gpu(int index, long free) {
        return new DeviceInfo("cuda:" + index, "GPU " + index, 16L << 30, free, 1);
    }

    private static MemoryUsage on(Fixture f, String device) {
        return f.manager.status().memory().stream().filter(m -> m.device().equals(device)).findFirst().orElseThrow();
    }

    private static void load(Fixture f, String id, ModelRequirement.Builder requirement) {
        f.manager.register(id, requirement.name("test/" + id).build(), "t");
        f.manager.generate(id, "a b", null);
    }

    @Test
    void autoTakesTheGpuWithTheMostFreeMemoryThatTheModelFits() {
        // budgets: cuda:0 half of 3 models' worth, cuda:1 half of 2
        try (Fixture f = fixture(new TestModelProvider(), gpu(0, 3 * ONE), gpu(1, 2 * ONE))) {
            load(f, "a", generation());
            assertThat(f.manager.info("a").device()).isEqualTo("cuda:0");
            load(f, "b", generation()); // half a model is left on cuda:0: it goes where it fits
            assertThat(f.manager.info("b").device()).isEqualTo("cuda:1");
            assertThat(f.manager.info("b").deviceNote()).isNull();
            assertThat(on(f, "cuda:0").reservedBytes()).isEqualTo(ONE);
            assertThat(on(f, "cuda:1").reservedBytes()).isEqualTo(ONE);
        }
    }

    @Test
    void aGpuPassedOverIsNamedWithTheProvidersReason() {
        try (Fixture f = fixture(new CpuOnly(), gpu(0, 8L << 30))) {
            load(f, "a", generation());
            assertThat(f.manager.info("a").device()).isEqualTo("cpu");
            assertThat(f.manager.info("a").deviceNote()).isEqualTo("cuda:0 is not used: the test provider cannot run "
                + "on cuda:0 (libcublasLt.so.12: cannot open shared object file); running on cpu");
            load(f, "b", generation().device("cuda:0"));
            assertThat(f.manager.info("b").deviceNote()).isEqualTo("asked for cuda:0, but the test provider cannot run "
                + "on cuda:0 (libcublasLt.so.12: cannot open shared object file); running on cpu");
        }
    }

    @Test
    void aPoolUnderAutoSpreadsOverTheGpusOnly() {
        Fixture f = new Fixture(Fixture.SETTINGS.withMemory(MemoryLimit.parse("auto"), false, 0).withWorkers(3, false),
            new TestModelProvider());
        f.manager.bindDeviceProvider(() -> List.of(gpu(0, 8L << 30), gpu(1, 7L << 30)));
        try (f) {
            f.manager.register("a", generation().name("test/a").preloadWorkers(3).build(), "t");
            Fixture.await("three instances", () -> f.manager.info("a").workers() == 3);
            assertThat(f.manager.info("a").device()).as("three instances, none on the cpu").isEqualTo("cuda:0,cuda:1");
        }
    }

    @Test
    void theHostShareOfAGpuModelIsBookedOnTheCpuWhileItIsLoaded() {
        try (Fixture f = fixture(new HalfOnHost(), gpu(0, 8L << 30))) {
            long before = on(f, "cpu").reservedBytes();
            load(f, "a", generation());
            assertThat(f.manager.info("a").device()).isEqualTo("cuda:0");
            assertThat(on(f, "cuda:0").reservedBytes()).isEqualTo(ONE);
            assertThat(on(f, "cpu").reservedBytes()).isEqualTo(before + 2 * ONE);
            assertThat(f.manager.unload("a")).isTrue();
            assertThat(on(f, "cuda:0").reservedBytes()).isZero();
            assertThat(on(f, "cpu").reservedBytes()).isEqualTo(before);
        }
    }
}
