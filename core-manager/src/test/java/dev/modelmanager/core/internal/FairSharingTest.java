package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.core.internal.inference.CallLimits;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * A shared model is shared fairly: a bulk call's texts take turns with other callers' calls, the queue limit counts
 * a bulk call as one batch, a call cannot ask for more than the limits, and a text given twice is computed once.
 */
class FairSharingTest {

    private static List<String> texts(String prefix, int n) {
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(prefix + " " + i);
        }
        return texts;
    }

    /**
     * Coalesced (micro-batching on) and not (off: each call's own batches, as for models whose texts must not be
     * merged).
     */
    @ParameterizedTest(name = "micro-batching {0}")
    @ValueSource(booleans = {true, false})
    void smallCallsRunBetweenTheBatchesOfABulkCallInsteadOfAfterIt(boolean microBatching) throws Exception {
        TestModelProvider provider = new TestModelProvider();
        // 1 slot; room for 2 batches' worth of texts (batching on) or 8 waiting calls (off): before, the bulk call
        // filled the queue and every other caller was refused (off: the bulk call's own 188 batches were refused
        // beyond the 8), or waited for all of its 3,000 texts.
        int capacity = microBatching ? 2 : 8;
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, capacity).withMicroBatching(microBatching), provider)) {
            f.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(16)
                .option(TestModelProvider.BATCH_DELAY_MS, "5").build(), "t");
            f.manager.load("docs", Duration.ofSeconds(10));
            CompletableFuture<EmbeddingResult> bulk = f.manager.embedAsync("docs", texts("bulk", 3000))
                .toCompletableFuture();
            Fixture.await("the bulk call runs", () -> !provider.embedBatches().isEmpty());
            List<Long> smallMillis = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                long t0 = System.nanoTime();
                List<CompletableFuture<EmbeddingResult>> small = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    small.add(f.manager.embedAsync("docs", List.of("small " + round + " " + c)).toCompletableFuture());
                }
                for (CompletableFuture<EmbeddingResult> s : small) {
                    assertThat(s.get(10, TimeUnit.SECONDS).vectors()).hasSize(1); // none refused with OVERLOADED
                }
                smallMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            assertThat(bulk).as("small calls finished while the bulk call still ran (%s ms)", smallMillis).isNotDone();
            assertThat(bulk.get(60, TimeUnit.SECONDS).vectors()).hasSize(3000);
            assertThat(provider.embedBatches()).allMatch(size -> size <= 16);
        }
    }

    @ParameterizedTest(name = "micro-batching {0}")
    @ValueSource(booleans = {true, false})
    void aCancelledBulkCallStopsWhereItIsAndCountsAsCancelled(boolean microBatching) throws Exception {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, 8).withMicroBatching(microBatching), provider)) {
            f.manager.register("docs", embedding().cacheEmbeddings(false).batchSize(16)
                .option(TestModelProvider.BATCH_DELAY_MS, "5").build(), "t");
            f.manager.load("docs", Duration.ofSeconds(10));
            CompletableFuture<EmbeddingResult> bulk = f.manager.embedAsync("docs", texts("bulk", 3000))
                .toCompletableFuture();
            Fixture.await("the bulk call runs", () -> provider.embedBatches().size() >= 3);
            bulk.cancel(true);
            Thread.sleep(300);
            int embedded = provider.embedBatches().stream().mapToInt(Integer::intValue).sum();
            Thread.sleep(300);
            assertThat(provider.embedBatches().stream().mapToInt(Integer::intValue).sum())
                .as("nothing more runs for the cancelled call").isEqualTo(embedded).isLessThan(3000);
            Fixture.await("counted", () -> f.manager.info("docs").stats().cancelled() == 1);
            assertThat(f.manager.info("docs").stats().failures()).isZero();
            assertThat(f.manager.embed("docs", List.of("still serving")).vectors()).hasSize(1);
        }
    }

    @Test
    void aCallOverTheInputLimitsIsRefusedNamingTheLimit() {
        ManagerSettings settings = Fixture.SETTINGS.builder().limits(new CallLimits(100, 50)).build();
        try (Fixture f = new Fixture(settings, new TestModelProvider())) {
            f.manager.register("docs", embedding().build(), "t");
            assertThatThrownBy(() -> f.manager.embed("docs", texts("t", 101)))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("texts").hasMessageContaining("101").hasMessageContaining(CallLimits.INPUTS_KEY);
            assertThatThrownBy(() -> f.manager.embed("docs", List.of("fine", "x".repeat(51))))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("texts[1]").hasMessageContaining(CallLimits.CHARS_KEY);
            assertThatThrownBy(() -> f.manager.classify("docs", texts("t", 101)))
                .hasMessageContaining(CallLimits.INPUTS_KEY);
            assertThat(f.manager.embed("docs", texts("t", 100)).vectors()).hasSize(100);
        }
    }

    @Test
    void aTextGivenTwiceInOneCallIsComputedOnce() {
        TestModelProvider provider = new TestModelProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS, provider)) {
            f.manager.register("docs", embedding().cacheEmbeddings(false).build(), "t");
            EmbeddingResult result = f.manager.embed("docs", List.of("a", "b", "a", "a", "c", "b"));
            assertThat(provider.embedBatches()).containsExactly(3);
            List<float[]> v = result.vectors();
            assertThat(v).hasSize(6);
            assertThat(v.get(2)).containsExactly(v.get(0));
            assertThat(v.get(3)).containsExactly(v.get(0));
            assertThat(v.get(5)).containsExactly(v.get(1));
            assertThat(v.get(4)).isNotEqualTo(v.get(0));
            assertThat(f.manager.embed("docs", List.of("x", "y")).vectors()).hasSize(2);
            assertThat(provider.embedBatches()).containsExactly(3, 2);
        }
    }
}
