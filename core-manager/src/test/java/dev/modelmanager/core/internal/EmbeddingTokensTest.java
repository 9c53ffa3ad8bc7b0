package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Embeddings say how many tokens the model read and what it truncated, through the cache and the micro-batcher;
 * {@code truncate=false} refuses instead; the tokens read are counted for the requester; a provider that cannot
 * tell says so ({@link Embedding#UNKNOWN}) rather than 0. The test provider's tokens are words plus two.
 */
class EmbeddingTokensTest {
    private static String words(int n) {
        return String.join(" ", Collections.nCopies(n, "word"));
    }

    private static long promptTokens(Fixture f, String model) {
        return f.manager.usage().stream().filter(u -> u.modelId().equals(model))
            .mapToLong(RequesterUsage::promptTokens).sum();
    }

    @Test
    void eachTextSaysItsTokensAndTheLongOneItsTruncation() {
        try (Fixture f = new Fixture()) {
            f.manager.register("docs", embedding().maxInputLength(8).build(), "t");
            EmbeddingResult r = f.manager.embed("docs", List.of("a man is eating food", words(20), "hello"));
            assertThat(r.embeddings()).extracting(Embedding::tokens).containsExactly(7, 8, 3);
            assertThat(r.embeddings()).extracting(Embedding::truncatedTokens).containsExactly(0, 14, 0);
            assertThat(r.embeddings().get(1).untruncatedTokens()).isEqualTo(22);
            assertThat(r.totalTokens()).isEqualTo(18);
            assertThat(r.truncationKnown()).isTrue();
            assertThat(r.truncatedCount()).isEqualTo(1);
            assertThat(r.truncatedIndices()).containsExactly(1);
            // The model read the start: the truncated text has the vector of its first six words.
            assertThat(r.vectors().get(1)).containsExactly(f.manager.embed("docs", List.of(words(6))).vectors().get(0));
            assertThat(promptTokens(f, "docs")).isEqualTo(18 + 8);
        }
    }

    @Test
    void aCachedEmbeddingKeepsItsCountsAndCostsNoTokens() {
        try (Fixture f = new Fixture()) {
            f.manager.register("docs", embedding().maxInputLength(8).build(), "t");
            f.manager.embed("docs", List.of("alpha beta", words(10)));
            assertThat(promptTokens(f, "docs")).isEqualTo(4 + 8);
            EmbeddingResult again = f.manager.embed("docs", List.of(words(10), "alpha beta", "gamma", "gamma"));
            assertThat(again.embeddings()).extracting(Embedding::cached).containsExactly(true, true, false, false);
            assertThat(again.embeddings()).extracting(Embedding::tokens).containsExactly(8, 4, 3, 3);
            assertThat(again.embeddings().get(0).truncatedTokens()).isEqualTo(4);
            assertThat(again.totalTokens()).as("every input counted, the repeat too").isEqualTo(18);
            assertThat(again.truncatedIndices()).containsExactly(0);
            assertThat(promptTokens(f, "docs")).as("only 'gamma' was read, once").isEqualTo(4 + 8 + 3);
        }
    }

    @Test
    void callersWhoseTextsShareAMicroBatchEachGetTheirOwnCounts() throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, 256), provider)) {
            f.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(32).maxInputLength(12)
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            f.manager.load("docs", Duration.ofSeconds(10));
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                texts.add(words(i + 1));
            }
            List<EmbeddingResult> results = concurrently(f, texts, EmbeddingOptions.DEFAULTS);
            for (int i = 0; i < texts.size(); i++) {
                int n = i + 1 + 2;
                Embedding e = results.get(i).embeddings().get(0);
                assertThat(e.tokens()).as(texts.get(i)).isEqualTo(Math.min(n, 12));
                assertThat(e.truncatedTokens()).as(texts.get(i)).isEqualTo(Math.max(0, n - 12));
                assertThat(results.get(i).totalTokens()).isEqualTo(e.tokens());
            }
            assertThat(provider.embedBatches()).as("coalesced").anyMatch(size -> size > 1);
        }
    }

    @Test
    void truncateFalseRefusesNamingTheTextItsTokensAndTheMaximum() throws Exception {
        try (Fixture f = new Fixture()) {
            f.manager.register("docs", embedding().maxInputLength(8).build(), "t");
            EmbeddingOptions strict = EmbeddingOptions.DEFAULTS.withTruncate(false);
            assertThatThrownBy(() -> f.manager.embed("docs", List.of("short one", words(20)), strict))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.field()).isEqualTo("texts[1]");
                    assertThat(e.getMessage()).contains("has 22 tokens").contains("the 8 the model reads");
                });
            assertThatThrownBy(() -> f.manager.embedAsync("docs", List.of(words(30)), strict).toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(ModelException.class,
                    e -> assertThat(e.field()).isEqualTo("texts[0]"));
            // From the cache too (the refused call embedded and cached it), blocking and async.
            assertThatThrownBy(() -> f.manager.embed("docs", List.of(words(20)), strict))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("texts[0]"));
            assertThatThrownBy(() -> f.manager.embedAsync("docs", List.of(words(20)), strict).toCompletableFuture().get())
                .cause().isInstanceOf(ModelException.class);
            assertThat(f.manager.embed("docs", List.of("fits well"), strict).totalTokens()).isEqualTo(4);
            assertThat(f.manager.embed("docs", List.of(words(20))).truncatedIndices()).as("the default truncates")
                .containsExactly(0);
            assertThat(f.manager.info("docs").stats().failures()).isEqualTo(4);
        }
    }

    @Test
    void theRequirementOptionMakesRefusingTheDefaultAndACallMayStillTruncate() {
        try (Fixture f = new Fixture()) {
            f.manager.register("strict", embedding().maxInputLength(8)
                .option(EmbeddingOptions.TRUNCATE_OPTION, "false").build(), "t");
            assertThatThrownBy(() -> f.manager.embed("strict", List.of(words(20))))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("texts[0]"));
            assertThat(f.manager.embed("strict", List.of(words(20)), EmbeddingOptions.DEFAULTS.withTruncate(true))
                .truncatedCount()).isEqualTo(1);
        }
    }

    @Test
    void aProviderThatCannotCountSaysUnknownNotZero() {
        try (Fixture f = new Fixture()) {
            f.manager.register("blind", embedding().maxInputLength(8)
                .option(TestModelProvider.COUNT_TOKENS, "none").build(), "t");
            EmbeddingResult r = f.manager.embed("blind", List.of("a b", words(20)));
            assertThat(r.embeddings()).extracting(Embedding::tokens).containsOnly(Embedding.UNKNOWN);
            assertThat(r.totalTokens()).isEqualTo(Embedding.UNKNOWN);
            assertThat(r.truncationKnown()).isFalse();
            assertThat(r.truncatedIndices()).isEmpty();
            // It cannot tell, so it cannot refuse: the text is embedded as the provider does it.
            assertThat(f.manager.embed("blind", List.of(words(21)), EmbeddingOptions.DEFAULTS.withTruncate(false))
                .embeddings()).hasSize(1);
            assertThat(promptTokens(f, "blind")).isZero();
        }
    }

    @Test
    void aCountOfTheWholeCallIsTheCallersTotalWhenTheCallWasAllItsOwn() {
        try (Fixture f = new Fixture()) {
            f.manager.register("total", embedding().option(TestModelProvider.COUNT_TOKENS, "total").build(), "t");
            EmbeddingResult r = f.manager.embed("total", List.of("a b", "c d e"));
            assertThat(r.embeddings()).extracting(Embedding::tokens).containsOnly(Embedding.UNKNOWN);
            assertThat(r.totalTokens()).isEqualTo(4 + 5);
            assertThat(promptTokens(f, "total")).isEqualTo(9);
            assertThat(f.manager.embed("total", List.of("one")).embeddings().get(0).tokens())
                .as("a call of one text counts that text").isEqualTo(3);
            // "a b" is cached without a count of its own, so the call's total is not known.
            assertThat(f.manager.embed("total", List.of("a b", "f g")).totalTokens()).isEqualTo(Embedding.UNKNOWN);
            assertThat(f.manager.embed("total", List.of("h", "i", "h")).totalTokens()).as("a repeat")
                .isEqualTo(Embedding.UNKNOWN);
            assertThat(promptTokens(f, "total")).as("what the calls read").isEqualTo(9 + 3 + 4 + 6);
        }
    }

    @Test
    void sharedBatchesCountedOnlyAsAWholeNeverGiveAWrongTotal() throws Exception {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, 256), new TestModelProvider())) {
            f.manager.register("total", embedding().cacheEmbeddings(false).option(TestModelProvider.COUNT_TOKENS, "total")
                .option(TestModelProvider.BATCH_DELAY_MS, "100").build(), "t");
            f.manager.load("total", Duration.ofSeconds(10));
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                texts.add(words(i + 1) + " and more");
            }
            List<EmbeddingResult> results = concurrently(f, texts, EmbeddingOptions.DEFAULTS);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(results.get(i).totalTokens()).as(texts.get(i)).isIn((long) Embedding.UNKNOWN, (long) i + 1 + 2 + 2);
            }
        }
    }

    /** One caller per text, all at once; each result in the texts' order. */
    private static List<EmbeddingResult> concurrently(Fixture f, List<String> texts, EmbeddingOptions options)
        throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(texts.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<EmbeddingResult>> calls = new ArrayList<>();
            for (String text : texts) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return f.manager.embed(f.manager.list().get(0).modelId(), List.of(text), options);
                }, pool));
            }
            go.countDown();
            List<EmbeddingResult> out = new ArrayList<>();
            for (CompletableFuture<EmbeddingResult> c : calls) {
                out.add(c.get(20, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
