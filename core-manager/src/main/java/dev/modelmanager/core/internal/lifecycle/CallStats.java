package dev.modelmanager.core.internal.lifecycle;

import java.util.concurrent.atomic.LongAdder;

import dev.modelmanager.api.ModelStats;

/** The live, lock-free counters behind one model's {@link ModelStats}. */
public final class CallStats {
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final DurationHistogram latency;
    private final DurationHistogram timeToFirstToken;
    private final DurationHistogram interTokenLatency;

    /** Counters that start from {@code restored} (statistics kept across a restart). */
    public CallStats(ModelStats restored) {
        requests.add(restored.requests());
        failures.add(restored.failures());
        cancelled.add(restored.cancelled());
        items.add(restored.items());
        promptTokens.add(restored.promptTokens());
        generatedTokens.add(restored.generatedTokens());
        latency = new DurationHistogram(ModelStats.LATENCY_BOUNDS_SECONDS, restored.latencyBuckets(),
            restored.latencySeconds());
        timeToFirstToken = new DurationHistogram(ModelStats.TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS,
            restored.timeToFirstTokenBuckets(), restored.timeToFirstTokenSeconds());
        interTokenLatency = new DurationHistogram(ModelStats.INTER_TOKEN_LATENCY_BOUNDS_SECONDS,
            restored.interTokenLatencyBuckets(), restored.interTokenLatencySeconds());
    }

    /** Counts a call: failed, cancelled by its caller, or neither (a success). */
    public void record(boolean failed, boolean wasCancelled, long nanos, long itemCount, long prompt, long generated) {
        requests.increment();
        if (wasCancelled) {
            cancelled.increment();
        } else if (failed) {
            failures.increment();
        }
        items.add(itemCount);
        promptTokens.add(prompt);
        generatedTokens.add(generated);
        latency.record(nanos);
    }

    /** Counts a generation's time to its first token. */
    void firstToken(long nanos) {
        timeToFirstToken.record(nanos);
    }

    /** Counts one gap between two consecutive tokens of a generation. */
    void interToken(long nanos) {
        interTokenLatency.record(nanos);
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public ModelStats snapshot() {
        return new ModelStats(requests.sum(), failures.sum(), cancelled.sum(), items.sum(), promptTokens.sum(),
            generatedTokens.sum(), latency.sumSeconds(), latency.cumulative(),
            timeToFirstToken.sumSeconds(), timeToFirstToken.cumulative(),
            interTokenLatency.sumSeconds(), interTokenLatency.cumulative());
    }
}
