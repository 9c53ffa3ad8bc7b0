package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import dev.modelmanager.api.ModelStats;

/** The live, lock-free counters behind one model's {@link ModelStats}. */
public final class CallStats {
    private static final double[] BOUNDS = ModelStats.LATENCY_BOUNDS_SECONDS.stream().mapToDouble(Double::doubleValue)
        .toArray();

    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final DoubleAdder latency = new DoubleAdder();
    /** Per bucket, not cumulative; the last one is everything over the last bound. */
    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length + 1);

    /** Counters that start from {@code restored} (statistics kept across a restart). */
    public CallStats(ModelStats restored) {
        requests.add(restored.requests());
        failures.add(restored.failures());
        cancelled.add(restored.cancelled());
        items.add(restored.items());
        promptTokens.add(restored.promptTokens());
        generatedTokens.add(restored.generatedTokens());
        latency.add(restored.latencySeconds());
        long previous = 0;
        for (int i = 0; i < buckets.length(); i++) {
            long cumulative = restored.latencyBuckets().get(i);
            buckets.set(i, Math.max(0, cumulative - previous));
            previous = cumulative;
        }
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
        double seconds = nanos / 1e9;
        latency.add(seconds);
        int bucket = 0;
        while (bucket < BOUNDS.length && seconds > BOUNDS[bucket]) {
            bucket++;
        }
        buckets.incrementAndGet(bucket);
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public ModelStats snapshot() {
        List<Long> cumulative = new ArrayList<>(buckets.length());
        long sum = 0;
        for (int i = 0; i < buckets.length(); i++) {
            sum += buckets.get(i);
            cumulative.add(sum);
        }
        return new ModelStats(requests.sum(), failures.sum(), cancelled.sum(), items.sum(), promptTokens.sum(), generatedTokens.sum(),
            latency.sum(), cumulative);
    }
}
