package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.MemoryUsage;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.DeviceProvider;
import dev.modelmanager.core.internal.memory.MemoryLimit;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * A GPU's budget is {@code gpu.memory.fraction} of the memory free on it for the manager's models: its free memory
 * plus what they hold there, never more than while they held nothing there, within {@code memory.budget}.
 */
class GpuBudgetTest {
    /** What one test model estimates and reports: 384 floats × 64 rows. */
    private static final long ONE = 384L * 4 * 64;
    private static final long TOTAL = 16L << 30;

    /** One GPU whose free memory the test sets, as a driver would report it. */
    private static final class Gpu implements DeviceProvider {
        final AtomicLong free = new AtomicLong();

        @Override
        public List<DeviceInfo> devices() {
            return List.of(new DeviceInfo("cuda:0", "Test GPU", TOTAL, free.get(), 1));
        }
    }

    private static Fixture fixture(double fraction, Gpu gpu) {
        Fixture f = new Fixture(Fixture.SETTINGS.withMemory(MemoryLimit.parse("auto"), false, 0)
            .withGpuMemoryFraction(fraction), new TestModelProvider());
        f.manager.bindDeviceProvider(gpu);
        return f;
    }

    private static MemoryUsage on(Fixture f, String device) {
        return f.manager.status().memory().stream().filter(m -> m.device().equals(device)).findFirst().orElseThrow();
    }

    private static void load(Fixture f, String id) {
        f.manager.register(id, generation().name("test/" + id).device("cuda:0").build(), "t");
        f.manager.generate(id, "a b", null);
    }

    @Test
    void theBudgetIsTheFractionOfWhatIsFreeForTheManagersModels() {
        Gpu gpu = new Gpu();
        gpu.free.set(4 * ONE);
        try (Fixture f = fixture(0.5, gpu)) {
            assertThat(on(f, "cuda:0").budgetBytes()).isEqualTo(2 * ONE);

            load(f, "a");
            assertThat(f.manager.info("a").device()).isEqualTo("cuda:0");
            assertThat(on(f, "cuda:0").reservedBytes()).isEqualTo(ONE);
            assertThat(on(f, "cuda:0").budgetBytes()).as("free memory that still counts what was reserved")
                .isEqualTo(2 * ONE);
            gpu.free.set(3 * ONE); // the model's allocation shows in the driver's figure
            assertThat(on(f, "cuda:0").budgetBytes()).as("a model's own memory does not shrink its budget")
                .isEqualTo(2 * ONE);

            load(f, "b");
            gpu.free.set(2 * ONE);
            f.manager.register("c", generation().name("test/c").device("cuda:0").build(), "t");
            assertThatThrownBy(() -> f.manager.generate("c", "a b", null)).isInstanceOfSatisfying(ModelException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_MEMORY);
                    assertThat(e.getMessage()).contains("cuda:0").contains("gpu.memory.fraction=0.5");
                });

            gpu.free.set(ONE); // another process took memory
            assertThat(on(f, "cuda:0").budgetBytes()).isEqualTo(3 * ONE / 2);

            f.manager.unload("a");
            f.manager.unload("b");
            gpu.free.set(6 * ONE); // the models left, and the other process too
            assertThat(on(f, "cuda:0").budgetBytes()).isEqualTo(3 * ONE);
            assertThat(on(f, "cpu").budgetBytes()).as("the cpu follows memory.budget")
                .isEqualTo(MemoryLimit.parse("auto").on(f.manager.status().devices().stream()
                    .filter(d -> d.id().equals("cpu")).findFirst().orElseThrow().totalMemoryBytes()));
        }
    }

    @Test
    void withoutAFractionOrAFreeFigureAGpuFollowsMemoryBudget() {
        Gpu gpu = new Gpu();
        gpu.free.set(4 * ONE);
        try (Fixture f = fixture(0, gpu)) {
            assertThat(on(f, "cuda:0").budgetBytes()).isEqualTo(TOTAL * 8 / 10);
        }
        gpu.free.set(-1);
        try (Fixture f = fixture(0.8, gpu)) {
            assertThat(on(f, "cuda:0").budgetBytes()).isEqualTo(TOTAL * 8 / 10);
        }
        assertThatThrownBy(() -> Fixture.SETTINGS.withGpuMemoryFraction(1.5))
            .hasMessageContaining("gpu_memory_fraction must be between 0 and 1");
    }
}
