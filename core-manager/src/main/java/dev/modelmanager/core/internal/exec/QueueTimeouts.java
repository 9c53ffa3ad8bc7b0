package dev.modelmanager.core.internal.exec;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/** The queue timeout: its error, and its timer for waiters that do not park a thread of their own. */
final class QueueTimeouts {
    private QueueTimeouts() {
    }

    static ModelException expired(String modelId, Duration timeout) {
        return new ModelException(ErrorCode.TIMEOUT, modelId, "the call waited "
            + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s")
            + " for a free worker (queue.timeout.seconds) and gave up");
    }

    /**
     * Arms the timer for a waiter of {@code pool}: when it fires, {@code expire} runs on the lifecycle executor (the
     * timer thread only hands it over; the pool's own threads may all be busy with the calls it waits behind). {@code null} when there is no timeout.
     */
    static ScheduledFuture<?> arm(WorkerPool pool, Runnable expire) {
        Duration timeout = pool.config().queueTimeout();
        if (pool.timer() == null || timeout.isZero() || timeout.isNegative()) {
            return null;
        }
        return pool.timer().schedule(() -> pool.lifecycle().execute(expire), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
