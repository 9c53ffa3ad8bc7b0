package dev.modelmanager.core.internal.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * An asynchronous call: when granted a slot it runs on the pool's threads and completes its caller's future (after
 * the caller's accounting has seen the outcome). A queued one arms the queue timeout and gives up its place when its
 * caller cancels.
 */
final class AsyncCall<R> extends Waiter implements Runnable {
    private final WorkerPool pool;
    private final WorkerPool.Job<R> job;
    private final CompletableFuture<R> result;
    private final BiConsumer<? super R, ? super ModelException> before;
    private volatile ScheduledFuture<?> expiry;

    AsyncCall(WorkerPool pool, Object requester, WorkerPool.Job<R> job, CompletableFuture<R> result,
              BiConsumer<? super R, ? super ModelException> before) {
        super(requester);
        this.pool = pool;
        this.job = job;
        this.result = result;
        this.before = before;
    }

    @Override
    void granted() {
        cancelExpiry();
        pool.dispatch(this);
    }

    @Override
    public void run() {
        pool.runGranted(instance, this);
    }

    WorkerPool.Job<R> job() {
        return job;
    }

    boolean isAbandoned() {
        return result.isDone();
    }

    /** Tells the caller: accounting first, then its future. */
    void complete(R value, ModelException failure) {
        if (before != null) {
            before.accept(value, failure);
        }
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }

    @Override
    void queued() {
        expiry = QueueTimeouts.arm(pool, () -> {
            if (pool.withdraw(this)) {
                complete(null, QueueTimeouts.expired(pool.modelId(), pool.config().queueTimeout()));
            }
        });
        // A caller that cancels while the call waits gives its place up at once.
        result.whenComplete((v, e) -> {
            if (e != null && pool.withdraw(this)) {
                cancelExpiry();
                if (before != null) { // counted as cancelled, as a call cancelled once granted is
                    before.accept(null, new ModelException(ErrorCode.CANCELLED, pool.modelId(),
                        "the caller cancelled the call"));
                }
            }
        });
    }

    @Override
    void rejected(RuntimeException why) {
        cancelExpiry();
        complete(null, why instanceof ModelException me ? me : Failures.ofModel(why, pool.modelId()));
    }

    private void cancelExpiry() {
        ScheduledFuture<?> e = expiry;
        if (e != null) {
            e.cancel(false);
        }
    }
}
