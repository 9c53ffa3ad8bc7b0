package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * What an instance states about itself and the manager honours: whether callers' texts may be merged
 * ({@code BatchPolicy}), how many calls it runs at once to full effect; named prompts, text pairs and rerank.
 */
class StatedBatchingTest {
    private static final int CALLERS = 12;

    private static void concurrently(Runnable call) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                calls.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    call.run();
                }, threads));
            }
            go.countDown();
            for (CompletableFuture<Void> c : calls) {
                c.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void callersTextsAreNotMergedForAnInstanceThatSaysPerCall() throws Exception {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(2, 64), new TestModelProvider())) {
            f.manager.register("alone", embedding().cacheEmbeddings(false).option(TestModelProvider.BATCH_POLICY,
                "per_call").option(TestModelProvider.BATCH_DELAY_MS, "30").build(), "t");
            f.manager.embed("alone", List.of("load it"));
            concurrently(() -> f.manager.embed("alone", List.of("one text")));
            assertThat(f.provider.embedBatches()).as("every call on its own").containsOnly(1);
            assertThat(f.manager.info("alone").requests()).isEqualTo(1 + CALLERS);
        }
    }

    @Test
    void aStatedConcurrencyAboveTheManagersGetsItsSlots() throws Exception {
        // the manager's worker.concurrency is 2; the instance says it runs 6 calls at once to full effect
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(2, 64), new TestModelProvider())) {
            f.manager.register("wide", embedding().cacheEmbeddings(false).option(TestModelProvider.BATCH_POLICY,
                "per_call").option(TestModelProvider.CONCURRENCY, "6").option(TestModelProvider.BATCH_DELAY_MS, "100")
                .build(), "t");
            f.manager.embed("wide", List.of("load it"));
            concurrently(() -> f.manager.embed("wide", List.of("one text")));
            assertThat(f.provider.maxConcurrentEmbeds()).as("calls in the provider at once").isGreaterThan(2)
                .isLessThanOrEqualTo(6);
        }
    }

    @Test
    void callersTextsAreMergedOtherwiseAndAStatedConcurrencyCapsTheSlots() throws Exception {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(4, 64), new TestModelProvider())) {
            f.manager.register("merged", embedding().cacheEmbeddings(false).batchSize(32)
                .option(TestModelProvider.CONCURRENCY, "1").option(TestModelProvider.BATCH_DELAY_MS, "30").build(), "t");
            f.manager.embed("merged", List.of("load it"));
            concurrently(() -> f.manager.embed("merged", List.of("one text")));
            // One slot (the instance said 1, not the manager's 4): while it runs, the other callers' texts gather.
            List<Integer> batches = f.provider.embedBatches();
            assertThat(batches.subList(1, batches.size())).as("merged batches").anyMatch(size -> size >= 4);
            // With the manager's 4 slots the first four callers would each run alone: at least five provider calls.
            assertThat(batches.size() - 1).as("calls of the provider: %s", batches).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void namedPromptsReachTheModelAndTheCacheKeepsThemApart() {
        try (Fixture f = new Fixture(Fixture.SETTINGS, new TestModelProvider())) {
            f.manager.register("e5", embedding().option(TestModelProvider.PROMPTS, "query=query: ;passage=passage: ")
                .build(), "t");
            float[] plain = f.manager.embed("e5", List.of("cats")).vectors().get(0);
            float[] query = f.manager.embed("e5", List.of("cats"), EmbeddingOptions.prompt("query")).vectors().get(0);
            float[] direct = f.manager.embed("e5", List.of("query: cats")).vectors().get(0);
            assertThat(query).isEqualTo(direct).isNotEqualTo(plain);
            assertThat(f.manager.embed("e5", List.of("cats"), EmbeddingOptions.prompt("query")).embeddings().get(0)
                .cached()).as("cached under its prompt").isTrue();
            assertThatThrownBy(() -> f.manager.embed("e5", List.of("x"), EmbeddingOptions.prompt("title")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("prompt_name");
            assertThatThrownBy(() -> EmbeddingOptions.prompt(" ")).hasMessageContaining("prompt_name");
        }
    }

    @Test
    void pairsAndRerankThroughACrossEncoderAndThroughAnEmbeddingModel() {
        try (Fixture f = new Fixture(Fixture.SETTINGS, new TestModelProvider())) {
            f.manager.register("nli", ModelRequirement.builder(ModelType.CLASSIFICATION, "org/pairs").build(), "t");
            assertThat(f.manager.classifyPairs("nli", List.of(new TextPair("I love it", "so good"))).classifications()
                .get(0).top().label()).isEqualTo("POSITIVE");
            RerankResult cross = f.manager.rerank("nli", "great", List.of("terrible and sad", "happy and wonderful"));
            assertThat(cross.method()).isEqualTo("cross-encoder");
            assertThat(cross.results().get(0).index()).isEqualTo(1);
            assertThat(cross.results().get(0).document()).isEqualTo("happy and wonderful");

            f.manager.register("docs", embedding().build(), "t");
            RerankResult cosine = f.manager.rerank("docs", "the cat sleeps",
                List.of("stock markets fell", "the cat sleeps on the mat", "a soup recipe"));
            assertThat(cosine.method()).isEqualTo("cosine");
            assertThat(cosine.results()).extracting(RerankResult.Ranked::index).startsWith(1);
            assertThat(f.manager.rerankAsync("docs", "the cat sleeps", List.of("a", "the cat sleeps")).toCompletableFuture()
                .join().results().get(0).index()).isEqualTo(1);

            f.manager.register("story", Fixture.generation().build(), "t");
            assertThatThrownBy(() -> f.manager.rerank("story", "q", List.of("a")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code())
                    .isEqualTo(ErrorCode.CAPABILITY_MISSING));
            assertThatThrownBy(() -> f.manager.rerank("docs", null, List.of("a"))).hasMessageContaining("query");
            assertThatThrownBy(() -> f.manager.rerank("docs", "q", List.of())).hasMessageContaining("documents");
            assertThatThrownBy(() -> f.manager.classifyPairs("nli", List.of())).hasMessageContaining("pairs");
            assertThatThrownBy(() -> new TextPair("a", null)).hasMessageContaining("text_pair");
        }
    }
}
