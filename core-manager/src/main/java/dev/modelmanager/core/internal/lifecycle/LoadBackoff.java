package dev.modelmanager.core.internal.lifecycle;

import java.time.Duration;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * Consecutive failed loads of one model: the first is retried by the next call (a transient failure costs nothing),
 * after the n-th (n >= 2) the next load waits {@code 2^(n-2)} seconds, at most five minutes; calls in between fail at once with the last reason and when the next attempt is, instead of each starting
 * a load that fails the same way (a broken provider revision would otherwise be asked thousands of times a second).
 * A success or an unload starts afresh. Loads refused for memory are not backed off: memory comes back when another
 * model unloads. Guarded by the entry's lock.
 */
final class LoadBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(5);

    private int failures;
    private long notBefore; // System.nanoTime()
    private ModelException last;

    /** Counts a failed load; answers how long the next one waits (zero: not backed off). */
    Duration failed(ModelException why, long now) {
        if (why.code() == ErrorCode.INSUFFICIENT_MEMORY) {
            return Duration.ZERO;
        }
        failures++;
        long nanos = failures < 2 ? 0 : Math.min(MAX.toNanos(), FIRST.toNanos() << Math.min(20, failures - 2));
        notBefore = now + nanos;
        last = why;
        return Duration.ofNanos(nanos);
    }

    void reset() {
        failures = 0;
        last = null;
    }

    /** The failure a call gets now instead of a load, or {@code null} when a load may start. */
    ModelException refusal(String modelId, long now) {
        if (last == null || now - notBefore >= 0) {
            return null;
        }
        long seconds = Math.max(1, (notBefore - now + 999_999_999L) / 1_000_000_000L);
        return new ModelException(last.code(), modelId, last.reason() + " (failed " + failures
            + " time(s) in a row; the next load is tried in " + seconds + " s)");
    }
}
