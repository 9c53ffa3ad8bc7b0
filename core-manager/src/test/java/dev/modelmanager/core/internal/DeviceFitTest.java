package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.MemoryUsage;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.memory.MemoryLimit;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * A provider is offered only the devices it runs on ({@code ModelProvider.runsOn}): with a GPU present and a CPU-only
 * engine, {@code auto} takes the CPU (and books the memory there), and a GPU asked for by name falls back to the CPU
 * with a note naming the provider.
 */
class DeviceFitTest {
    /** The test provider, as a CPU-only engine build. */
    static final class CpuOnly extends TestModelProvider {
        @Override
        public boolean runsOn(DeviceInfo device) {
            return !device.isGpu();
        }
    }

    private static Fixture fixture(TestModelProvider provider) {
        Fixture f = new Fixture(Fixture.SETTINGS.withMemory(MemoryLimit.parse("auto"), false, 0), provider);
        f.manager.bindDeviceProvider(() -> List.of(new DeviceInfo("cuda:0", "Test GPU", 16L << 30, 15L << 30, 1)));
        return f;
    }

    private static MemoryUsage on(Fixture f, String device) {
        return f.manager.status().memory().stream().filter(m -> m.device().equals(device)).findFirst().orElseThrow();
    }

    @Test
    void autoTakesTheBestDeviceTheProviderRunsOnAndBooksTheMemoryThere() {
        try (Fixture f = fixture(new CpuOnly())) {
            f.manager.register("a", generation().name("test/a").build(), "t");
            f.manager.generate("a", "a b", null);
            assertThat(f.manager.info("a").device()).isEqualTo("cpu");
            assertThat(f.manager.info("a").details()).doesNotContainKey("device.note");
            assertThat(on(f, "cuda:0").reservedBytes()).isZero();
            assertThat(on(f, "cpu").reservedBytes()).isPositive();
        }
    }

    @Test
    void aGpuAskedForByNameThatTheProviderCannotUseFallsBackToTheCpuSayingWhy() {
        try (Fixture f = fixture(new CpuOnly())) {
            f.manager.register("b", generation().name("test/b").device("cuda:0").build(), "t");
            f.manager.generate("b", "a b", null);
            assertThat(f.manager.info("b").device()).isEqualTo("cpu");
            assertThat(f.manager.info("b").deviceNote())
                .contains("asked for cuda:0, but the test provider cannot run on cuda:0; running on cpu");
        }
    }

    @Test
    void aProviderThatRunsOnGpusStillGetsTheGpu() {
        try (Fixture f = fixture(new TestModelProvider())) {
            f.manager.register("c", generation().name("test/c").build(), "t");
            f.manager.generate("c", "a b", null);
            assertThat(f.manager.info("c").device()).isEqualTo("cuda:0");
        }
    }
}
