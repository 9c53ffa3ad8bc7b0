package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Micro-batched calls (embedding, classification) take the pool's slots like any call: while texts wait, the pool
 * grows, and batches run on every instance at once, each call counted once however it was batched.
 */
class BatchedPoolTest {
    private static final int CALLERS = 24;

    /** {@code CALLERS} callers at once, one text each; the worker ids their results came from. */
    private static Set<String> concurrently(Function<String, String> call) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                String text = "text number " + i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return call.apply(text);
                }, threads));
            }
            go.countDown();
            Set<String> workers = new TreeSet<>();
            for (CompletableFuture<String> r : results) {
                workers.add(r.get(30, TimeUnit.SECONDS));
            }
            return workers;
        } finally {
            threads.shutdownNow();
        }
    }

    private static Fixture growable() {
        return new Fixture(Fixture.SETTINGS.withQueue(1, 64).withWorkers(3, false), new TestModelProvider());
    }

    @Test
    void embeddingsGrowThePoolAndRunOnEveryInstance() throws Exception {
        try (Fixture f = growable()) {
            // Each provider call takes 100 ms: texts wait while the one slot is busy, and the pool grows.
            f.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(4)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            f.manager.embed("docs", List.of("load it"));
            Set<String> first = concurrently(t -> f.manager.embed("docs", List.of(t)).embeddings().get(0).workerId());
            await("grown to three instances", () -> f.manager.info("docs").workers() == 3);
            Set<String> workers = new TreeSet<>(first);
            workers.addAll(concurrently(t -> f.manager.embed("docs", List.of(t)).embeddings().get(0).workerId()));
            assertThat(workers).as("batches ran on every instance").containsExactlyInAnyOrder("docs#0", "docs#1",
                "docs#2");
            assertThat(f.provider.embedBatches()).as("texts were batched").anyMatch(size -> size > 1);
            assertThat(f.manager.info("docs").requests()).as("each call counted once").isEqualTo(1 + 2 * CALLERS);
        }
    }

    @Test
    void classificationsGrowThePoolToo() throws Exception {
        try (Fixture f = growable()) {
            f.manager.register("mood", ModelRequirement.builder(ModelType.CLASSIFICATION, "bench/mood").batchSize(4)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            f.manager.classify("mood", List.of("load it"));
            Set<String> workers = concurrently(t -> f.manager.classify("mood", List.of(t)).workerId());
            await("grown to three instances", () -> f.manager.info("mood").workers() == 3);
            workers.addAll(concurrently(t -> f.manager.classify("mood", List.of(t)).workerId()));
            assertThat(workers).hasSizeGreaterThan(1);
            assertThat(f.manager.info("mood").requests()).isEqualTo(1 + 2 * CALLERS);
        }
    }
}
