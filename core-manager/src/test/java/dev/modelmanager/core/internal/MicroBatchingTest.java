package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.testsupport.TestModelProvider;

/** Concurrent embedding calls to one model are coalesced into batches, and every caller gets its own vectors. */
class MicroBatchingTest {

    private static List<String> texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add("caller " + i + " wants " + "a longer text ".repeat(i % 5));
        }
        return texts;
    }

    /** The vectors each text must get, from a manager that embeds them one by one. */
    private static Map<String, float[]> expected(List<String> texts) {
        try (Fixture reference = new Fixture(Fixture.SETTINGS.withMicroBatching(false), new TestModelProvider())) {
            reference.manager.register("ref", embedding().cacheEmbeddings(false).build(), "t");
            Map<String, float[]> out = new java.util.HashMap<>();
            for (String text : texts) {
                out.put(text, reference.manager.embed("ref", List.of(text)).vectors().get(0));
            }
            return out;
        }
    }

    /** Sixteen callers, one text each, all at once; returns the vector each got. */
    private static Map<String, float[]> callConcurrently(Fixture fixture, List<String> texts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(texts.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<float[]>> results = new ArrayList<>();
            for (String text : texts) {
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return fixture.manager.embed("docs", List.of(text)).vectors().get(0);
                }, pool));
            }
            go.countDown();
            Map<String, float[]> got = new java.util.HashMap<>();
            for (int i = 0; i < texts.size(); i++) {
                got.put(texts.get(i), results.get(i).get(20, TimeUnit.SECONDS));
            }
            return got;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sixteenConcurrentSingleTextCallersEachGetTheirOwnVectorsFromCoalescedBatches() throws Exception {
        List<String> texts = texts(16);
        Map<String, float[]> expected = expected(texts);
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 256), provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(32)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            fixture.manager.load("docs", Duration.ofSeconds(10));
            Map<String, float[]> got = callConcurrently(fixture, texts);
            for (String text : texts) {
                assertThat(got.get(text)).as(text).containsExactly(expected.get(text));
            }
            List<Integer> batches = provider.embedBatches();
            assertThat(batches.stream().mapToInt(Integer::intValue).sum()).as("every text embedded once").isEqualTo(16);
            assertThat(batches).as("coalesced: %s", batches).hasSizeLessThan(16).anyMatch(size -> size > 1);
            assertThat(fixture.manager.info("docs").stats().items()).isEqualTo(16);
        }
    }

    @Test
    void withBatchingOffEveryCallIsItsOwnBatch() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 256).withMicroBatching(false), provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false)
                .option(TestModelProvider.BATCH_DELAY_MS, "20").build(), "t");
            callConcurrently(fixture, texts(8));
            assertThat(provider.embedBatches()).hasSize(8).allMatch(size -> size == 1);
        }
    }

    @Test
    void batchesStopAtBatchSize() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 256), provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(4)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            fixture.manager.load("docs", Duration.ofSeconds(10));
            List<String> texts = texts(13);
            Map<String, float[]> got = callConcurrently(fixture, texts);
            assertThat(got).hasSize(13);
            List<Integer> batches = provider.embedBatches();
            assertThat(batches).allMatch(size -> size <= 4);
            assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(13);
        }
    }

    /**
     * A blocking caller of 40 texts on "docs", interrupted once the provider has run its first batch: what its call
     * threw ({@code null} if it returned).
     */
    private static CompletableFuture<Throwable> interruptedAfterItsFirstBatch(Fixture fixture,
                                                                              TestModelProvider provider) {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                fixture.manager.embed("docs", texts(40));
                failed.complete(null);
            } catch (Throwable t) {
                failed.complete(t);
            }
        });
        caller.start();
        Fixture.await("the first batch runs", () -> !provider.embedBatches().isEmpty());
        caller.interrupt();
        return failed;
    }

    @Test
    void anInterruptedCallerOfManyTextsTakesItsWaitingTextsOutOfTheQueue() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 256), provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(4)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            fixture.manager.load("docs", Duration.ofSeconds(10));
            CompletableFuture<Throwable> failed = interruptedAfterItsFirstBatch(fixture, provider);
            assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                dev.modelmanager.api.ModelException.class,
                e -> assertThat(e.code()).isEqualTo(dev.modelmanager.api.ErrorCode.CANCELLED));
            Thread.sleep(600); // the 9 batches left would take 900 ms
            int ran = provider.embedBatches().stream().mapToInt(Integer::intValue).sum();
            assertThat(ran).as("texts run after the caller left").isLessThanOrEqualTo(8);
            assertThat(fixture.manager.info("docs").inFlight()).isZero();
        }
    }

    @Test
    void withBatchingOffAnInterruptedOrCancelledCallStopsItsRemainingBatches() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withMicroBatching(false).withQueue(1, 256), provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(4)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            fixture.manager.load("docs", Duration.ofSeconds(10));
            CompletableFuture<Throwable> failed = interruptedAfterItsFirstBatch(fixture, provider);
            assertThat(failed.get(2, TimeUnit.SECONDS)).as("answered at once, not after its batches")
                .isInstanceOfSatisfying(dev.modelmanager.api.ModelException.class,
                    e -> assertThat(e.code()).isEqualTo(dev.modelmanager.api.ErrorCode.CANCELLED));
            Thread.sleep(600); // the batches left would take 900 ms
            assertThat(provider.embedBatches().stream().mapToInt(Integer::intValue).sum())
                .as("texts run after the caller left").isLessThanOrEqualTo(12);

            int before = provider.embedBatches().size();
            CompletableFuture<?> async = fixture.manager.embedAsync("docs", texts(40)).toCompletableFuture();
            Fixture.await("its first batch runs", () -> provider.embedBatches().size() > before);
            async.cancel(false);
            Thread.sleep(600);
            assertThat(provider.embedBatches().size() - before).as("batches run after the cancel")
                .isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aCallOfManyTextsIsCutIntoBatchesOfSimilarLengthAndAnsweredInItsOrder() {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS, provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(8).build(), "t");
            List<String> texts = new ArrayList<>();
            java.util.Random random = new java.util.Random(3);
            for (int i = 0; i < 40; i++) {
                texts.add("text " + i + " " + "word ".repeat(random.nextInt(60)));
            }
            List<float[]> vectors = fixture.manager.embed("docs", texts).vectors();
            Map<String, float[]> expected = expected(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(vectors.get(i)).as("text %d answered in its place", i).isEqualTo(expected.get(texts.get(i)));
            }
            // batches run on the pool's slots at once, so they reach the provider in any order: by their shortest
            // text, each starts where the one before it ended
            List<List<String>> batches = new ArrayList<>(provider.embedTexts());
            assertThat(batches).hasSize(5).allMatch(b -> b.size() == 8);
            batches.sort(java.util.Comparator.comparingInt(b -> b.stream().mapToInt(String::length).min().orElseThrow()));
            for (int b = 1; b < batches.size(); b++) {
                int longestBefore = batches.get(b - 1).stream().mapToInt(String::length).max().orElseThrow();
                int shortestNow = batches.get(b).stream().mapToInt(String::length).min().orElseThrow();
                assertThat(shortestNow).as("batch %d starts where batch %d ended: %s", b, b - 1, batches)
                    .isGreaterThanOrEqualTo(longestBefore);
            }
        }
    }

    @Test
    void anIdleModelIsCalledAtOnceWithoutWaitingForCompany() {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS, provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).build(), "t");
            for (int i = 0; i < 5; i++) {
                fixture.manager.embed("docs", List.of("one at a time " + i, "and another"));
            }
            assertThat(provider.embedBatches()).containsExactly(2, 2, 2, 2, 2);
        }
    }

    @Test
    void classificationCallsAreCoalescedToo() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 256), provider)) {
            fixture.manager.register("mood", dev.modelmanager.api.ModelRequirement.builder(
                dev.modelmanager.api.ModelType.CLASSIFICATION, "org/sentiment")
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            fixture.manager.load("mood", Duration.ofSeconds(10));
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                texts.add(i % 2 == 0 ? "a good day number " + i : "a terrible day number " + i);
            }
            ExecutorService pool = Executors.newFixedThreadPool(texts.size());
            try {
                List<CompletableFuture<String>> best = new ArrayList<>();
                for (String text : texts) {
                    best.add(CompletableFuture.supplyAsync(() -> fixture.manager.classify("mood", List.of(text))
                        .classifications().get(0).labels().get(0).label(), pool));
                }
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(best.get(i).get(20, TimeUnit.SECONDS)).as(texts.get(i))
                        .isEqualTo(i % 2 == 0 ? "POSITIVE" : "NEGATIVE");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(provider.embedBatches()).as("coalesced: %s", provider.embedBatches()).hasSizeLessThan(12)
                .anyMatch(size -> size > 1);
        }
    }

    @Test
    void withADelayTextsWaitForCompanyEvenWhileASlotIsFree() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withBatchDelay(Duration.ofMillis(300)), provider)) {
            fixture.manager.register("docs", embedding().cacheEmbeddings(false).build(), "t");
            fixture.manager.load("docs", Duration.ofSeconds(10));
            CompletableFuture<?> first = fixture.manager.embedAsync("docs", List.of("first")).toCompletableFuture();
            Thread.sleep(30);
            CompletableFuture<?> second = fixture.manager.embedAsync("docs", List.of("second")).toCompletableFuture();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertThat(provider.embedBatches()).containsExactly(2);
        }
    }
}
