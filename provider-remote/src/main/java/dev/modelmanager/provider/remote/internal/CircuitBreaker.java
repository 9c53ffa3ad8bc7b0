package dev.modelmanager.provider.remote.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling an endpoint that keeps failing: after {@code threshold} consecutive failures calls fail at once for
 * {@code open}; then one call is let through (half-open) and its outcome closes or reopens the circuit. A failure is
 * the server not answering or answering 5xx; any other answer, a 4xx included, shows it up. A trial call that ends
 * with neither (its caller gave up, the endpoint's slots were full) hands the trial to the next call.
 */
final class CircuitBreaker {
    enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * Whether a call may go: {@code refusal} is {@code null} if so, else why not. {@code trial}: this call is the one
     * half-open trial, to be settled by {@link #success}, {@link #failure} or, failing both, {@link #abandon}.
     */
    record Admission(String refusal, long trial) {
        static final Admission GO = new Admission(null, 0);

        /** Whether this call is a half-open trial. */
        boolean isTrial() {
            return trial != 0;
        }
    }

    private final int threshold;
    private final long openNanos;
    private final LongSupplier clock;
    private int failures;
    private State state = State.CLOSED;
    private long openUntil;
    private String lastError;
    /** The number of the trial in flight while half-open; trials are numbered from 1. */
    private long trial;

    CircuitBreaker(int threshold, Duration open, LongSupplier clock) {
        this.threshold = threshold;
        this.openNanos = open.toNanos();
        this.clock = clock;
    }

    /** Whether a call may go now. In the half-open state only the first caller gets through, as the trial. */
    synchronized Admission admit() {
        if (state == State.OPEN) {
            long left = openUntil - clock.getAsLong();
            if (left > 0) {
                return new Admission("it failed " + failures + " times in a row (last: " + lastError + "); calls fail "
                    + "at once for " + Math.max(1, left / 1_000_000_000L) + " s more", 0);
            }
            state = State.HALF_OPEN;
            return new Admission(null, ++trial);
        }
        if (state == State.HALF_OPEN) {
            return new Admission("a trial call is checking whether it recovered (last error: " + lastError + ")", 0);
        }
        return Admission.GO;
    }

    /**
     * The trial call ended without an answer either way: the circuit stays open, and the next call is the trial. A
     * call that was not the trial, whose outcome was already recorded, or whose trial is over (a later one runs now),
     * changes nothing.
     */
    synchronized void abandon(Admission admission) {
        if (admission.isTrial() && admission.trial() == trial && state == State.HALF_OPEN) {
            state = State.OPEN;
            openUntil = clock.getAsLong();
        }
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
