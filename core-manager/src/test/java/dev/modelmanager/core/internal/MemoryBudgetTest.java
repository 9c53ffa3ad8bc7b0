package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.memory.MemoryLimit;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The memory budget: reservations from estimates, corrected after load, refused or made room for by unloading idle,
 * unpinned, lower-priority models, lowest priority then least recently used first; never a busy one.
 */
class MemoryBudgetTest {
    /** What one test model estimates and reports: 384 floats × 64 rows. */
    private static final long ONE = 384L * 4 * 64;

    private static Fixture fixture(String budget, boolean evict, int maxLoaded) {
        return new Fixture(Fixture.SETTINGS.withMemory(MemoryLimit.parse(budget), evict, maxLoaded),
            new TestModelProvider());
    }

    private static ModelStatus status(Fixture f, String id) {
        return f.manager.info(id).status();
    }

    private static void use(Fixture f, String id) {
        f.manager.generate(id, "a b", null);
    }

    /** The causes of the EVICTED events posted for a model. */
    private static List<Object> evictions(Fixture f, String id) {
        return f.events.events.stream().filter(e -> e.getTopic().equals(ModelEvents.EVICTED))
            .filter(e -> id.equals(e.getProperty(ModelEvents.MODEL_ID))).map(e -> e.getProperty(ModelEvents.CAUSE))
            .toList();
    }

    @Test
    void lowestPriorityGoesFirstThenTheLeastRecentlyUsedAndPinnedNever() {
        try (Fixture f = fixture(String.valueOf(ONE * 3 + ONE / 2), true, 0)) {
            f.manager.register("pinned", generation().name("test/pinned").pinned(true).build(), "t");
            f.manager.register("low", generation().name("test/low").priority(-1).build(), "t");
            f.manager.register("a", generation().name("test/a").build(), "t");
            use(f, "pinned");
            use(f, "a");
            use(f, "low"); // the most recent, but of the lowest priority
            f.manager.register("c", generation().name("test/c").build(), "t");
            use(f, "c");
            assertThat(status(f, "low")).as("lowest priority first").isEqualTo(ModelStatus.UNLOADED);
            assertThat(f.manager.info("low").reason()).contains("make room for c");
            assertThat(evictions(f, "low")).as("the event says why").containsExactly("budget");
            assertThat(status(f, "pinned")).isEqualTo(ModelStatus.LOADED);

            use(f, "a"); // now 'c' is the least recently used of priority 0
            f.manager.register("d", generation().name("test/d").build(), "t");
            use(f, "d");
            assertThat(status(f, "c")).as("then the least recently used").isEqualTo(ModelStatus.UNLOADED);
            assertThat(status(f, "a")).isEqualTo(ModelStatus.LOADED);
            assertThat(status(f, "pinned")).as("pinned is never unloaded").isEqualTo(ModelStatus.LOADED);
            assertThat(f.manager.status().memory().get(0).reservedBytes()).isEqualTo(3 * ONE);
        }
    }

    @Test
    void aBusyModelIsNeverUnloadedAndTheLoadIsRefusedWithTheNumbers() throws Exception {
        try (Fixture f = fixture(String.valueOf(ONE + ONE / 2), true, 0)) {
            f.manager.register("busy", generation().name("test/busy").option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "t");
            CompletableFuture<GenerationResult> running = f.manager.generateAsync("busy",
                String.join(" ", Collections.nCopies(100, "word")), null).toCompletableFuture();
            await("busy is running", () -> f.manager.info("busy").inFlight() == 1);
            f.manager.register("other", generation().name("test/other").build(), "t");
            assertThatThrownBy(() -> use(f, "other")).isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_MEMORY);
                assertThat(e.getMessage()).contains("needs 0.1 MiB on cpu").contains("is free")
                    .contains("no idle, unpinned model");
            });
            assertThat(status(f, "busy")).isEqualTo(ModelStatus.LOADED);
            assertThat(running).isNotDone();
            running.cancel(false);
        }
    }

    @Test
    void withTheRefusePolicyNothingIsUnloaded() {
        try (Fixture f = fixture(String.valueOf(ONE + ONE / 2), false, 0)) {
            f.manager.register("first", generation().name("test/first").build(), "t");
            use(f, "first");
            f.manager.register("second", generation().name("test/second").build(), "t");
            assertThatThrownBy(() -> use(f, "second")).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_MEMORY));
            assertThat(status(f, "first")).isEqualTo(ModelStatus.LOADED);
            assertThat(f.manager.info("second").reason()).contains("needs");
        }
    }

    @Test
    void twoLoadsRacingForTheLastMemoryCannotBothPass() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (Fixture f = fixture(String.valueOf(ONE + ONE / 2), false, 0)) {
                f.manager.register("x", generation().name("test/x").option(TestModelProvider.LOAD_DELAY_MS, "100").build(), "t");
                f.manager.register("y", generation().name("test/y").option(TestModelProvider.LOAD_DELAY_MS, "100").build(), "t");
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<ModelInfo>> loads = new ArrayList<>();
                for (String id : List.of("x", "y")) {
                    loads.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return f.manager.load(id, Duration.ofSeconds(10));
                    }));
                }
                go.countDown();
                int loaded = 0;
                int refused = 0;
                for (CompletableFuture<ModelInfo> load : loads) {
                    try {
                        load.get(20, TimeUnit.SECONDS);
                        loaded++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOfSatisfying(ModelException.class,
                            me -> assertThat(me.code()).isEqualTo(ErrorCode.INSUFFICIENT_MEMORY));
                        refused++;
                    }
                }
                assertThat(loaded).as("round %d", round).isEqualTo(1);
                assertThat(refused).isEqualTo(1);
                assertThat(f.provider.loads()).as("the refused one never reached the provider").isEqualTo(1);
            }
        }
    }

    @Test
    void maxLoadedModelsUnloadsTheLeastRecentlyUsed() {
        try (Fixture f = fixture("infinity", true, 2)) {
            for (String id : List.of("one", "two", "three")) {
                f.manager.register(id, generation().name("test/" + id).build(), "t");
            }
            use(f, "one");
            use(f, "two");
            use(f, "one");
            use(f, "three");
            assertThat(status(f, "two")).isEqualTo(ModelStatus.UNLOADED);
            assertThat(evictions(f, "two")).containsExactly("max_loaded_models");
            assertThat(evictions(f, "one")).isEmpty();
            assertThat(status(f, "one")).isEqualTo(ModelStatus.LOADED);
            assertThat(status(f, "three")).isEqualTo(ModelStatus.LOADED);
        }
    }

    @Test
    void memoryComesBackWhenAModelUnloadsAndFollowsTheMeasurement() {
        try (Fixture f = fixture("10m", true, 0)) {
            f.manager.register("m", generation().name("test/m").dimension(null).build(), "t");
            use(f, "m");
            assertThat(f.manager.status().memory().get(0).reservedBytes()).isEqualTo(ONE);
            assertThat(f.manager.status().memory().get(0).budgetBytes()).isEqualTo(10L << 20);
            f.manager.unload("m");
            assertThat(f.manager.status().memory().get(0).reservedBytes()).isZero();
        }
    }

    @Test
    void aRegistrationOfEqualPriorityCannotUnloadAModelAnOperatorDeclared() {
        try (Fixture f = fixture(String.valueOf(ONE + ONE / 2), true, 0)) {
            f.manager.registerDeclared("minilm", generation().name("test/declared").build(), "config:minilm");
            use(f, "minilm");
            f.manager.register("tiny", generation().name("test/tiny").build(), "rest");
            assertThatThrownBy(() -> use(f, "tiny")).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_MEMORY));
            assertThat(status(f, "minilm")).isEqualTo(ModelStatus.LOADED);

            f.manager.register("urgent", generation().name("test/urgent").priority(5).build(), "rest");
            use(f, "urgent");
            assertThat(status(f, "minilm")).as("a higher priority still makes room").isEqualTo(ModelStatus.UNLOADED);
        }
    }

    @Test
    void preloadWorkersAreCappedAtTheWorkersTheMachineHas() {
        try (Fixture f = fixture("infinity", true, 0)) {
            f.manager.register("many", generation().name("test/many").preloadWorkers(1000).build(), "t");
            int cap = Math.max(1, Runtime.getRuntime().availableProcessors());
            await("preloaded", () -> f.manager.info("many").workers() >= Math.min(2, cap));
            try {
                Thread.sleep(300); // growth is asynchronous: give any extra instance the time to appear
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(f.manager.info("many").workers()).isLessThanOrEqualTo(cap);
            assertThat(f.provider.loads()).isLessThanOrEqualTo(cap);
        }
    }

    @Test
    void budgetsParse() {
        assertThat(MemoryLimit.parse("infinity").on(1000)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryLimit.parse("auto").on(1000)).isEqualTo(800);
        assertThat(MemoryLimit.parse("auto").on(-1)).as("unknown memory").isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryLimit.parse("70%").on(1000)).isEqualTo(700);
        assertThat(MemoryLimit.parse("12g").on(1)).isEqualTo(12L << 30);
        assertThat(MemoryLimit.parse("1.5m").on(1)).isEqualTo(3L << 19);
        assertThatThrownBy(() -> MemoryLimit.parse("lots")).hasMessageContaining("memory.budget must be");
        assertThatThrownBy(() -> MemoryLimit.parse("150%")).hasMessageContaining("memory.budget must be");
    }
}
