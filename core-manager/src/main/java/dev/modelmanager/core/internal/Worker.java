package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.LoadedModel;

/**
 * One loaded instance of a model on one device, with the threads that run calls on it. Tracks every call it has
 * accepted, so that an unload can wait for them to finish and a leaving provider can fail them at once.
 */
final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    /**
     * A call on the model; may throw anything, which becomes {@code INFERENCE_FAILED}. {@code abandoned} turns true
     * when nobody waits for the result any more (the caller cancelled, the provider left, the model unloaded):
     * long calls should check it and stop.
     */
    @FunctionalInterface
    interface Call<R> {
        R run(LoadedModel model, java.util.function.BooleanSupplier abandoned) throws Exception;
    }

    private final String id;
    private final String modelId;
    private final LoadedModel model;
    private final String device;
    private final ThreadPoolExecutor executor;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean accepting = true;
    private volatile ModelException revokedWith;
    private volatile boolean closed;

    private final int concurrency;
    private final int queueCapacity;
    private final Runnable onClosed;
    private final java.util.concurrent.ScheduledExecutorService timer;
    private final Duration queueTimeout;

    /**
     * @param concurrency   calls run at once
     * @param queueCapacity calls that may wait beyond those running; more are refused with {@code OVERLOADED}
     */
    Worker(String id, String modelId, LoadedModel model, int concurrency, int queueCapacity) {
        this(id, modelId, model, concurrency, queueCapacity, () -> { }, null, Duration.ZERO);
    }

    /**
     * @param onClosed     runs once the instance is closed (gives its memory back to the budget)
     * @param timer        runs queue timeouts ({@code null} when there are none)
     * @param queueTimeout how long a call may wait for a thread before it fails with {@code TIMEOUT}; 0 = no limit
     */
    Worker(String id, String modelId, LoadedModel model, int concurrency, int queueCapacity, Runnable onClosed,
           java.util.concurrent.ScheduledExecutorService timer, Duration queueTimeout) {
        this.onClosed = onClosed;
        this.timer = timer;
        this.queueTimeout = queueTimeout;
        this.concurrency = concurrency;
        this.queueCapacity = queueCapacity;
        this.id = id;
        this.modelId = modelId;
        this.model = model;
        this.device = model.device();
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), DaemonThreads.named("modelmanager-" + id));
        this.executor.allowCoreThreadTimeOut(true);
    }

    String id() {
        return id;
    }

    String device() {
        return device;
    }

    LoadedModel model() {
        return model;
    }

    boolean isAccepting() {
        return accepting;
    }

    int inFlight() {
        return inFlight.size();
    }

    /** Calls waiting for a thread of this worker. */
    int queued() {
        return Math.max(0, inFlight.size() - running.get());
    }

    /**
     * Queues a call. Returns {@code null} when this worker no longer takes calls (it is unloading or its
     * provider left): the caller must look the model up again.
     */
    <R> CompletableFuture<R> submit(Call<R> call) {
        if (!accepting) {
            return null;
        }
        if (inFlight.size() >= concurrency + queueCapacity) {
            return CompletableFuture.failedFuture(new ModelException(ErrorCode.OVERLOADED, modelId, "its queue is full ("
                + concurrency + " running, " + queueCapacity + " waiting); try again later"));
        }
        CompletableFuture<R> future = new CompletableFuture<>();
        inFlight.add(future);
        if (!accepting) {
            // An unload started between the check and the add: back out, the caller retries elsewhere.
            finished(future);
            return null;
        }
        // Whoever claims the call first decides: the thread that runs it, or the queue timeout.
        java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            executor.execute(() -> {
                if (claimed.compareAndSet(false, true)) {
                    execute(call, future);
                } else {
                    finished(future);
                }
            });
        } catch (RejectedExecutionException e) {
            finished(future);
            return null;
        }
        if (timer != null && !queueTimeout.isZero() && !queueTimeout.isNegative()) {
            java.util.concurrent.ScheduledFuture<?> expiry = timer.schedule(() -> {
                if (claimed.compareAndSet(false, true)) {
                    future.completeExceptionally(new ModelException(ErrorCode.TIMEOUT, modelId, "the call waited "
                        + (queueTimeout.toMillis() < 1000 ? queueTimeout.toMillis() + " ms" : queueTimeout.toSeconds() + " s")
                        + " for a free worker (queue.timeout.seconds) and gave up"));
                    finished(future);
                }
            }, queueTimeout.toMillis(), TimeUnit.MILLISECONDS);
            future.whenComplete((v, e) -> expiry.cancel(false));
        }
        return future;
    }

    private <R> void execute(Call<R> call, CompletableFuture<R> future) {
        try {
            ModelException revoked = revokedWith;
            if (revoked != null || future.isDone()) {
                future.completeExceptionally(revoked != null ? revoked
                    : new ModelException(ErrorCode.CANCELLED, modelId, "the call was cancelled before it ran"));
                return;
            }
            running.incrementAndGet();
            try {
                future.complete(call.run(model, future::isDone));
            } finally {
                running.decrementAndGet();
            }
        } catch (ModelException e) {
            ModelException revoked = revokedWith;
            future.completeExceptionally(revoked != null ? revoked : e.forModel(modelId));
        } catch (Throwable e) {
            ModelException revoked = revokedWith;
            future.completeExceptionally(revoked != null ? revoked
                : new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the model failed: " + e, e));
        } finally {
            finished(future);
        }
    }

    private void finished(CompletableFuture<?> future) {
        inFlight.remove(future);
        if (inFlight.isEmpty()) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * Stops taking calls and fails every accepted call at once with {@code reason}. Calls already inside the
     * model keep their thread until they return; {@link #drainAndClose} waits for that.
     */
    void revoke(ModelException reason) {
        revokedWith = reason;
        accepting = false;
        for (CompletableFuture<?> future : inFlight) {
            future.completeExceptionally(reason);
        }
    }

    /**
     * Stops taking calls, waits up to {@code timeout} for accepted calls to finish, then closes the model.
     *
     * @return whether every call finished in time
     */
    boolean drainAndClose(Duration timeout) {
        accepting = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained = true;
        synchronized (idle) {
            while (!inFlight.isEmpty() || running.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    drained = false;
                    break;
                }
                try {
                    idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    drained = false;
                    break;
                }
            }
        }
        if (!drained) {
            LOG.warn("Worker {} still had {} call(s) running after {}; closing it anyway", id, running.get(), timeout);
            for (CompletableFuture<?> future : inFlight) {
                future.completeExceptionally(new ModelException(ErrorCode.TIMEOUT, modelId,
                    "the model was unloaded before the call finished"));
            }
        }
        close();
        return drained;
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdown();
        try {
            model.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing worker {} failed", id, e);
        } finally {
            onClosed.run();
        }
    }
}
