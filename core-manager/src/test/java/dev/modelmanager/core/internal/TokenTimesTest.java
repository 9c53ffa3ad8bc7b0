package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Time to first token runs from the moment a generation reaches the manager (a load or a queue it waits for
 * included) to its first token; inter-token latency is every gap between two tokens, streamed or not, cancelled or
 * not. The test model sleeps {@code token_delay_ms} before each token, so every measured time is at least that:
 * the assertions are lower bounds and exact counts, never speeds.
 */
class TokenTimesTest {
    private static String words(int n) {
        return String.join(" ", Collections.nCopies(n, "word"));
    }

    @Test
    void everyGenerationCountsItsFirstTokenAndEachGapStreamedOrNot() throws Exception {
        try (Fixture fixture = new Fixture()) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "60").build(), "a");
            manager.generate("story", words(4), null);
            manager.chat("story", List.of(ChatMessage.user(words(3))), null);
            StreamingTest.Collector streamed = new StreamingTest.Collector(1, 0);
            manager.stream("story", words(5), null).subscribe(streamed);
            assertThat(streamed.done).succeedsWithin(10, TimeUnit.SECONDS);
            await("the stream counted", () -> manager.info("story").stats().requests() == 3);

            ModelStats stats = manager.info("story").stats();
            assertThat(stats.generatedTokens()).isEqualTo(12);
            assertThat(stats.timeToFirstTokenCount()).as("one first token per generation").isEqualTo(3);
            assertThat(stats.interTokenLatencyCount()).as("tokens - 1 gaps per generation").isEqualTo(12 - 3);
            // Each token waits 60 ms before it comes: sums are exact, quantiles land in (0.05, ...] buckets or above.
            assertThat(stats.timeToFirstTokenSeconds()).isGreaterThanOrEqualTo(3 * 0.060);
            assertThat(stats.interTokenLatencySeconds()).isGreaterThanOrEqualTo(9 * 0.060);
            assertThat(stats.timeToFirstTokenQuantileSeconds(0.5)).isGreaterThanOrEqualTo(0.05);
            assertThat(stats.interTokenLatencyQuantileSeconds(0.5)).isGreaterThanOrEqualTo(0.05);
            assertThat(stats.interTokenLatencyQuantileSeconds(0.95)).isGreaterThanOrEqualTo(0.05);
        }
    }

    @Test
    void theFirstTokenIncludesTheLoadTheCallWaitedFor() {
        try (Fixture fixture = new Fixture()) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("story", generation().option(TestModelProvider.LOAD_DELAY_MS, "300")
                .option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
            manager.generate("story", words(2), null);

            ModelStats stats = manager.info("story").stats();
            assertThat(stats.timeToFirstTokenCount()).isEqualTo(1);
            assertThat(stats.timeToFirstTokenSeconds()).as("300 ms load + 20 ms token").isGreaterThanOrEqualTo(0.32);
            assertThat(stats.timeToFirstTokenQuantileSeconds(0.5)).as("in the (0.25, 0.5] bucket or above")
                .isGreaterThanOrEqualTo(0.25);
            assertThat(stats.interTokenLatencyCount()).isEqualTo(1);
        }
    }

    @Test
    void theFirstTokenIncludesTheTimeQueuedAndACancelledCallsTokensCount() throws Exception {
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 4), new TestModelProvider())) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
            CompletableFuture<GenerationResult> running =
                manager.generateAsync("story", words(100_000), null).toCompletableFuture();
            await("two tokens of the running call", () -> manager.info("story").stats().interTokenLatencyCount() >= 1);

            CompletableFuture<GenerationResult> queued =
                manager.generateAsync("story", words(2), null).toCompletableFuture();
            Thread.sleep(300); // the queued call waits at least this long: the only slot is taken
            assertThat(queued).isNotDone();
            running.cancel(false);
            assertThat(queued).succeedsWithin(10, TimeUnit.SECONDS);
            await("both calls counted", () -> manager.info("story").stats().requests() == 2);

            ModelStats stats = manager.info("story").stats();
            assertThat(stats.cancelled()).isEqualTo(1);
            assertThat(stats.timeToFirstTokenCount()).isEqualTo(2);
            assertThat(stats.timeToFirstTokenSeconds()).as("the queued call's 300 ms wait + its 20 ms token")
                .isGreaterThanOrEqualTo(0.32 + 0.02);
            assertThat(stats.timeToFirstTokenQuantileSeconds(0.95)).as("the slower one, in (0.25, 0.5] or above")
                .isGreaterThanOrEqualTo(0.25);
            // The cancelled call's gaps count: at least the one awaited above, plus the queued call's one.
            assertThat(stats.interTokenLatencyCount()).isGreaterThanOrEqualTo(2)
                .isLessThanOrEqualTo(stats.generatedTokens() - 2);
        }
    }

    @Test
    void aCancelledStreamKeepsTheTimesOfTheTokensItSaw() throws Exception {
        try (Fixture fixture = new Fixture()) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "10").build(), "a");
            StreamingTest.Collector collector = new StreamingTest.Collector(1, 3);
            manager.stream("story", words(10_000), null).subscribe(collector);
            assertThat(collector.done).succeedsWithin(10, TimeUnit.SECONDS);
            await("the cancelled stream counted", () -> manager.info("story").stats().requests() == 1);

            ModelStats stats = manager.info("story").stats();
            assertThat(stats.cancelled()).isEqualTo(1);
            assertThat(stats.timeToFirstTokenCount()).isEqualTo(1);
            assertThat(stats.interTokenLatencyCount()).as("the three chunks seen have two gaps")
                .isGreaterThanOrEqualTo(2).isLessThan(stats.generatedTokens());
        }
    }

    @Test
    void callsThatGenerateNothingLeaveTheTokenTimesEmpty() {
        try (Fixture fixture = new Fixture()) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("docs", embedding().build(), "a");
            manager.embed("docs", List.of("one", "two"));
            manager.register("story", generation().build(), "a");
            manager.generate("story", "", null);

            assertThat(manager.info("docs").stats().timeToFirstTokenCount()).isZero();
            assertThat(manager.info("docs").stats().interTokenLatencyCount()).isZero();
            assertThat(manager.info("story").stats().requests()).isEqualTo(1);
            assertThat(manager.info("story").stats().timeToFirstTokenCount()).as("no token, no first token").isZero();
        }
    }
}
