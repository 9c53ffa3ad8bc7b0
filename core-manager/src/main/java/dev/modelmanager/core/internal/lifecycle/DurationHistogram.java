package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One lock-free histogram of durations over fixed bounds, kept the way {@link dev.modelmanager.api.ModelStats}
 * reports it: cumulative buckets and the sum in seconds. Recording compares nanoseconds with the bounds and adds to
 * two {@link LongAdder}s: no allocation, no lock, cheap enough for every token.
 */
final class DurationHistogram {
    private final long[] boundsNanos;
    /** Per bucket, not cumulative; the last one is everything over the last bound. */
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();

    /** A histogram that starts from {@code restored} (cumulative, as saved) and {@code restoredSeconds}. */
    DurationHistogram(List<Double> boundsSeconds, List<Long> restored, double restoredSeconds) {
        boundsNanos = boundsSeconds.stream().mapToLong(s -> Math.round(s * 1e9)).toArray();
        buckets = new LongAdder[boundsNanos.length + 1];
        long previous = 0;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
            long cumulative = restored.get(i);
            buckets[i].add(Math.max(0, cumulative - previous));
            previous = cumulative;
        }
        sumNanos.add(Math.round(restoredSeconds * 1e9));
    }

    void record(long nanos) {
        long value = Math.max(0, nanos);
        int bucket = 0;
        while (bucket < boundsNanos.length && value > boundsNanos[bucket]) {
            bucket++;
        }
        buckets[bucket].increment();
        sumNanos.add(value);
    }

    /** The buckets, cumulative. */
    List<Long> cumulative() {
        List<Long> cumulative = new ArrayList<>(buckets.length);
        long sum = 0;
        for (LongAdder bucket : buckets) {
            sum += bucket.sum();
            cumulative.add(sum);
        }
        return cumulative;
    }

    double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
