package dev.modelmanager.core.internal.exec;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * A blocking caller waiting for a slot: parked on its own thread, woken by the thread that frees a slot, and then
 * running the call itself. Its queue timeout is its own park deadline: no timer.
 */
final class BlockingWaiter extends Waiter {
    private final WorkerPool pool;
    private final Thread caller = Thread.currentThread();
    private volatile Instance grantedTo;
    private volatile RuntimeException failure;

    BlockingWaiter(WorkerPool pool, Object requester) {
        super(requester);
        this.pool = pool;
    }

    @Override
    void granted() {
        grantedTo = instance;
        LockSupport.unpark(caller);
    }

    @Override
    void rejected(RuntimeException why) {
        failure = why;
        LockSupport.unpark(caller);
    }

    /** Waits for the slot; {@code timeout} zero waits as long as it takes. */
    Instance await(Duration timeout) {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            Instance i = grantedTo;
            if (i != null) {
                return i;
            }
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
            if (Thread.interrupted()) {
                if (pool.withdraw(this)) {
                    Thread.currentThread().interrupt();
                    throw new ModelException(ErrorCode.CANCELLED, pool.modelId(), "interrupted while waiting for a worker");
                }
                Thread.currentThread().interrupt();
                continue; // granted meanwhile: it runs (the job sees the interrupt as abandonment)
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (pool.withdraw(this)) {
                    throw QueueTimeouts.expired(pool.modelId(), timeout);
                }
                deadline = Long.MAX_VALUE; // granted or rejected meanwhile: take that
                continue;
            }
            LockSupport.parkNanos(this, left);
        }
    }
}
