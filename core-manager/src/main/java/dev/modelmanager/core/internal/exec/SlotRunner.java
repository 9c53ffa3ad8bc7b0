package dev.modelmanager.core.internal.exec;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * Runs the calls that hold a slot of a {@link WorkerPool}: a blocking one on its caller's thread, an asynchronous
 * one (and batches) on the pool's own threads, which it owns and sizes to the pool's slots. It gives the slot back
 * before a result is delivered, and tells long calls when nobody waits for them any more (the caller cancelled or
 * was interrupted, the provider left, an unload asked running calls to stop).
 */
final class SlotRunner {
    private final String modelId;
    private final Slots slots;
    private final ThreadPoolExecutor executor;
    /** An unload asked running calls to stop: long calls (generations) see themselves abandoned. */
    private volatile boolean stopping;

    SlotRunner(String poolId, String modelId, Slots slots, int capacity) {
        this.modelId = modelId;
        this.slots = slots;
        this.executor = new ThreadPoolExecutor(capacity, capacity, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            DaemonThreads.named("modelmanager-" + poolId));
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Running calls see themselves abandoned from now on. */
    void stopRunning() {
        stopping = true;
    }

    /** Runs a call on an instance whose slot the caller holds, on the caller's thread, and gives the slot back. */
    <R> R runInline(Instance instance, WorkerPool.Job<R> job) {
        R value;
        try {
            value = job.run(instance, this::abandonedInline);
        } catch (Throwable e) {
            ModelException revoked = slots.revokedWith();
            throw revoked != null ? revoked : Failures.ofModel(e, modelId);
        } finally {
            slots.release(instance);
        }
        ModelException revoked = slots.revokedWith();
        if (revoked != null) {
            throw revoked;
        }
        return value;
    }

    private boolean abandonedInline() {
        return stopping || slots.revokedWith() != null || Thread.currentThread().isInterrupted();
    }

    /** Runs a granted asynchronous call: off the books first, then its result to its caller. */
    <R> void runGranted(Instance instance, AsyncCall<R> call) {
        R value = null;
        Throwable failure = null;
        try {
            if (call.isAbandoned()) {
                failure = new ModelException(ErrorCode.CANCELLED, modelId, "the call was cancelled before it ran");
            } else {
                value = call.job().run(instance, () -> stopping || slots.revokedWith() != null || call.isAbandoned());
            }
        } catch (Throwable e) {
            failure = e;
        }
        R v = value;
        Throwable f = failure;
        finish(instance, () -> {
            ModelException revoked = slots.revokedWith();
            call.complete(revoked != null || f != null ? null : v,
                revoked != null ? revoked : f == null ? null : Failures.ofModel(f, modelId));
        });
    }

    /**
     * Gives a slot back, then delivers a call's result: a caller who has its result finds the pool idle, and an
     * unload still waits until the result was delivered.
     */
    void finish(Instance instance, Runnable deliver) {
        slots.beginDelivery();
        slots.release(instance);
        try {
            deliver.run();
        } finally {
            slots.endDelivery();
        }
    }

    /** Runs {@code task} on the pool's threads; a shut-down executor runs it on the caller's thread instead. */
    void dispatch(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * The pool's threads follow its slots' capacity, read here: a grow and a shrink resizing at once would otherwise
     * set the executor from stale counts, or cross its core and maximum sizes and fail.
     */
    synchronized void resize() {
        int capacity = slots.capacity();
        if (capacity > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(capacity);
            executor.setCorePoolSize(capacity);
        } else {
            executor.setCorePoolSize(capacity);
            executor.setMaximumPoolSize(capacity);
        }
    }

    void shutdown() {
        executor.shutdown();
    }
}
