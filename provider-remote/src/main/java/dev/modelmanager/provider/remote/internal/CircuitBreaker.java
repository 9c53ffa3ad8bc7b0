package dev.modelmanager.provider.remote.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling an endpoint that keeps failing: after {@code threshold} consecutive failures calls fail at once for
 * {@code open}; then one call is let through (half-open) and its outcome closes or reopens the circuit.
 */
final class CircuitBreaker {
    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long openNanos;
    private final LongSupplier clock;
    private int failures;
    private State state = State.CLOSED;
    private long openUntil;
    private String lastError;

    CircuitBreaker(int threshold, Duration open, LongSupplier clock) {
        this.threshold = threshold;
        this.openNanos = open.toNanos();
        this.clock = clock;
    }

    /**
     * Whether a call may go now; {@code null} if so, else why not (the circuit is open). In the half-open state
     * only the first caller gets through.
     */
    synchronized String refusal() {
        if (state == State.OPEN) {
            long left = openUntil - clock.getAsLong();
            if (left > 0) {
                return "it failed " + failures + " times in a row (last: " + lastError + "); calls fail at once for "
                    + Math.max(1, left / 1_000_000_000L) + " s more";
            }
            state = State.HALF_OPEN;
            return null;
        }
        if (state == State.HALF_OPEN) {
            return "a trial call is checking whether it recovered (last error: " + lastError + ")";
        }
        return null;
    }

    synchronized void success() {
        failures = 0;
        state = State.CLOSED;
    }

    synchronized void failure(String error) {
        failures++;
        lastError = error;
        if (state == State.HALF_OPEN || failures >= threshold) {
            state = State.OPEN;
            openUntil = clock.getAsLong() + openNanos;
        }
    }

    synchronized State state() {
        if (state == State.OPEN && openUntil - clock.getAsLong() <= 0) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** Health for status: UP, DEGRADED (recent failures) or OPEN, with the last error. */
    synchronized String health() {
        State s = state();
        if (s == State.CLOSED) {
            return failures == 0 ? "UP" : "DEGRADED (" + failures + " failure(s) in a row, last: " + lastError + ")";
        }
        return s + " (" + failures + " failure(s) in a row, last: " + lastError + ")";
    }
}
