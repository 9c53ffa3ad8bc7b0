package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.memory.Budgeted;
import dev.modelmanager.core.internal.memory.MemoryBudget;
import dev.modelmanager.core.internal.memory.MemoryLimit;

/**
 * Random sequences of loads (reservations, several per model: pool growth), measurements after load (any size,
 * also far beyond the estimate), unloads and changes of priority, pinning, declaration and business: whatever the
 * sequence, no device ever has more reserved than its budget, {@code max.loaded.models} holds, and nothing is
 * unloaded that the rules protect (pinned, busy, of higher priority, declared and of equal priority).
 */
class BudgetPropertyTest {
    private static final long MIB = 1L << 20;
    private static final DeviceInfo CPU = new DeviceInfo("cpu", "cpu", 4096 * MIB, 2048 * MIB, 2);
    private static final DeviceInfo GPU = new DeviceInfo("cuda:0", "gpu", 1024 * MIB, 1024 * MIB, 1);

    /** A model as the budget sees it; its flags change at random. */
    private static final class Model implements Budgeted {
        final String id;
        int priority;
        boolean pinned;
        boolean declared;
        boolean idle = true;
        final boolean remote;
        long lastUsed;
        /** The rules in force when the budget last chose it to unload. */
        final List<String> violations;
        Budgeted loading;

        Model(String id, boolean remote, List<String> violations) {
            this.id = id;
            this.remote = remote;
            this.violations = violations;
        }

        @Override public String id() { return id; }
        @Override public int priority() { return priority; }
        @Override public boolean pinned() { return pinned; }
        @Override public boolean declared() { return declared; }
        @Override public boolean isRemote() { return remote; }
        @Override public boolean isIdle() { return idle; }
        @Override public Instant lastUsed() { return null; }
        @Override public long lastUsedOrder() { return lastUsed; }

        @Override
        public CompletableFuture<Boolean> evict(String cause, String why) {
            Budgeted by = loading;
            if (pinned || !idle || by == null || priority > by.priority() || declared && priority >= by.priority()) {
                violations.add(id + " (priority " + priority + ", pinned " + pinned + ", idle " + idle + ", declared "
                    + declared + ") unloaded for " + (by == null ? "?" : by.id() + " (priority " + by.priority() + ")"));
            }
            return CompletableFuture.completedFuture(true);
        }
    }

    private record Held(Model model, MemoryBudget.Reservation reservation, DeviceInfo device) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void reservedNeverExceedsTheBudgetAndProtectedModelsStay(long seed) {
        Random random = new Random(seed);
        String budgetText = List.of("1g", "50%", "300m", "2g").get(random.nextInt(4));
        boolean evict = random.nextBoolean();
        int maxLoaded = random.nextInt(4); // 0 = no limit
        MemoryBudget budget = new MemoryBudget(() -> ManagerSettings.DEFAULTS.withMemory(MemoryLimit.parse(budgetText),
            evict, maxLoaded));
        List<String> violations = new ArrayList<>();
        List<Model> models = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            models.add(new Model("m" + i, i == 7, violations));
        }
        List<Held> held = new ArrayList<>();
        long clock = 0;
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(10);
            Model model = models.get(random.nextInt(models.size()));
            if (op < 4) { // a load or a pool growing by one instance
                DeviceInfo device = random.nextInt(4) == 0 ? GPU : CPU;
                long estimate = random.nextInt(8) == 0 ? -1 : (long) (random.nextDouble() * 900 * MIB);
                boolean wasIdle = model.idle;
                model.idle = false; // loading: not a candidate for its own room
                for (Model m : models) {
                    m.loading = model;
                }
                try {
                    held.add(new Held(model, budget.reserve(model, device, estimate), device));
                    model.lastUsed = ++clock;
                } catch (ModelException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_MEMORY);
                } finally {
                    model.idle = wasIdle;
                }
            } else if (op < 6 && !held.isEmpty()) { // the loaded instance reports what it uses
                Held h = held.get(random.nextInt(held.size()));
                h.reservation().correct((long) (random.nextDouble() * (random.nextBoolean() ? 5000 : 400) * MIB));
            } else if (op < 7 && !held.isEmpty()) { // an instance closes
                held.remove(random.nextInt(held.size())).reservation().release();
            } else if (op < 8) {
                model.priority = random.nextInt(3);
            } else if (op < 9) {
                model.pinned = random.nextInt(4) == 0;
                model.declared = random.nextInt(3) == 0;
            } else {
                model.idle = random.nextBoolean();
            }
            for (MemoryBudget.Usage usage : budget.usage(List.of(CPU, GPU))) {
                assertThat(usage.reservedBytes()).as("seed %d step %d: reserved on %s", seed, step, usage.device())
                    .isLessThanOrEqualTo(usage.budgetBytes());
            }
            if (maxLoaded > 0) {
                Set<String> loaded = new HashSet<>();
                for (Held h : held) {
                    if (!h.model().remote && !h.reservation().released()) {
                        loaded.add(h.model().id);
                    }
                }
                assertThat(loaded.size()).as("seed %d step %d: models loaded", seed, step)
                    .isLessThanOrEqualTo(maxLoaded);
            }
            assertThat(violations).as("seed %d step %d", seed, step).isEmpty();
        }
    }

}
