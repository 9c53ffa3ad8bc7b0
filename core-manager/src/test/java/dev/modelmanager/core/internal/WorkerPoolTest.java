package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.memory.MemoryLimit;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.testsupport.TestModelProvider;

/** A model's worker pool: several instances, calls spread over them, growth while calls queue, shrinking when idle. */
class WorkerPoolTest {
    private static final String WORDS = String.join(" ", Collections.nCopies(15, "word"));

    private static List<GenerationResult> concurrently(Fixture f, String id, int calls) throws Exception {
        List<CompletableFuture<GenerationResult>> running = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            running.add(f.manager.generateAsync(id, WORDS, null).toCompletableFuture());
        }
        List<GenerationResult> results = new ArrayList<>();
        for (CompletableFuture<GenerationResult> r : running) {
            results.add(r.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    private static Set<String> workersOf(List<GenerationResult> results) {
        Set<String> ids = new TreeSet<>();
        results.forEach(r -> ids.add(r.workerId()));
        return ids;
    }

    @Test
    void preloadWorkersLoadsThatManyInstancesAndCallsSpreadOverThem() throws Exception {
        // worker.max.instances allows 3 (preload_workers is capped at it, or at the cores when they are more)
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, 20).withWorkers(3, false), new TestModelProvider())) {
            f.manager.register("story", generation().preloadWorkers(3).option(TestModelProvider.TOKEN_DELAY_MS, "20")
                .build(), "t");
            await("three instances", () -> f.manager.info("story").workers() == 3);
            assertThat(f.provider.loads()).isEqualTo(3);
            List<GenerationResult> results = concurrently(f, "story", 6);
            assertThat(workersOf(results)).as("least busy first: every instance took calls").hasSize(3);
            assertThat(f.manager.info("story").details().get("workers")).contains("story#0", "idle");
        }
    }

    @Test
    void thePoolGrowsWhileCallsQueueAndShrinksWhenIdle() throws Exception {
        ManagerSettings settings = Fixture.SETTINGS.withQueue(1, 20).withWorkers(3, false)
            .withIdleTimeout(Duration.ofMillis(300));
        try (Fixture f = new Fixture(settings, new TestModelProvider())) {
            f.manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "t");
            f.manager.load("story", Duration.ofSeconds(10));
            assertThat(f.manager.info("story").workers()).isEqualTo(1);
            List<GenerationResult> results = concurrently(f, "story", 8);
            await("grown to the maximum", () -> f.provider.loads() == 3);
            assertThat(workersOf(results)).as("calls ran on more than one instance").hasSizeGreaterThan(1);
            await("back to one instance", Duration.ofSeconds(10), () -> f.manager.info("story").workers() == 1);
            await("the idle instances closed", () -> f.provider.closes() == 2);
            assertThat(f.manager.info("story").status()).isEqualTo(dev.modelmanager.api.ModelStatus.LOADED);
        }
    }

    @Test
    void instancesSpreadOverTheMatchingDevices() {
        try (Fixture f = new Fixture(Fixture.SETTINGS, new TestModelProvider())) {
            f.manager.bindDeviceProvider(() -> List.of(new DeviceInfo("cuda:0", "GPU 0", 8L << 30, 8L << 30, 1),
                new DeviceInfo("cuda:1", "GPU 1", 8L << 30, 7L << 30, 1)));
            f.manager.register("story", generation().device("cuda").preloadWorkers(2).build(), "t");
            await("two instances", () -> f.manager.info("story").workers() == 2);
            assertThat(f.manager.info("story").device()).isEqualTo("cuda:0,cuda:1");
        }
    }

    @Test
    void roundRobinTakesTheInstancesInTurn() {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withWorkers(2, true), new TestModelProvider())) {
            f.manager.register("story", generation().preloadWorkers(2).build(), "t");
            await("two instances", () -> f.manager.info("story").workers() == 2);
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                order.add(f.manager.generate("story", "a b", null).workerId());
            }
            assertThat(order.get(0)).isNotEqualTo(order.get(1));
            assertThat(order.get(0)).isEqualTo(order.get(2));
            assertThat(order.get(1)).isEqualTo(order.get(3));
        }
    }

    @Test
    void theMemoryBudgetCapsThePool() {
        long one = 384L * 4 * 64;
        ManagerSettings settings = Fixture.SETTINGS.withMemory(MemoryLimit.parse(String.valueOf(one * 2 + one / 2)),
            false, 0);
        try (Fixture f = new Fixture(settings, new TestModelProvider())) {
            f.manager.register("story", generation().preloadWorkers(4).build(), "t");
            await("loaded", () -> f.manager.info("story").workers() >= 1);
            await("as many as fit", () -> f.provider.loads() == 2);
            assertThat(f.manager.generate("story", "a b", null).text()).isEqualTo("b a");
            await("the second instance joined", () -> f.manager.info("story").workers() == 2);
            assertThat(f.provider.loads()).as("no third: it would not fit").isEqualTo(2);
            assertThat(f.manager.status().memory().get(0).reservedBytes()).isEqualTo(2 * one);
        }
    }

    @Test
    void devicesOfKindsTheManagerDoesNotKnowAreChosenByKindOrById() {
        try (Fixture f = new Fixture(Fixture.SETTINGS, new TestModelProvider())) {
            f.manager.bindDeviceProvider(() -> List.of(new DeviceInfo("rocm:0", "GPU 0", 8L << 30, 8L << 30, 1),
                new DeviceInfo("mps", "Apple GPU", 8L << 30, 8L << 30, 1),
                new DeviceInfo("npu-cluster/a", "an accelerator with an id of its own", 8L << 30, 8L << 30, 1)));
            f.manager.register("amd", generation().device("rocm").build(), "t");
            f.manager.register("apple", generation().name("m2").device("mps").build(), "t");
            f.manager.register("npu", generation().name("n").device("npu-cluster/a").build(), "t");
            f.manager.register("any", generation().name("any").build(), "t");
            assertThat(f.manager.generate("amd", "a b", null).device()).isEqualTo("rocm:0");
            assertThat(f.manager.generate("apple", "a b", null).device()).isEqualTo("mps");
            assertThat(f.manager.generate("npu", "a b", null).device()).isEqualTo("npu-cluster/a");
            assertThat(f.manager.generate("any", "a b", null).text()).isEqualTo("b a");
        }
    }
}
