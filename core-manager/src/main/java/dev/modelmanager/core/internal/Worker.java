package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * The worker pool of one loaded model: one or more loaded instances (each on one device), the threads that run
 * calls on them, and the calls it has accepted, so that an unload can wait for them to finish and a leaving
 * provider can fail them at once. Each call runs on the least busy instance (or the next one, round-robin). When
 * every thread is busy and calls queue, the pool asks for another instance, up to its maximum; an instance idle
 * for the idle period is closed, down to its minimum.
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
        R run(Instance instance, java.util.function.BooleanSupplier abandoned) throws Exception;
    }

    /** One loaded instance in the pool. */
    static final class Instance {
        private final String id;
        private final LoadedModel model;
        private final String device;
        private final Runnable onClosed;
        private int busy;
        private long idleSince = System.nanoTime();

        Instance(String id, LoadedModel model, Runnable onClosed) {
            this.id = id;
            this.model = model;
            this.device = model.device();
            this.onClosed = onClosed;
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

        void close() {
            try {
                model.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing instance {} failed", id, e);
            } finally {
                onClosed.run();
            }
        }
    }

    /** How the pool gets another instance (loading it with its own memory reservation), or fails to. */
    @FunctionalInterface
    interface Grower {
        CompletableFuture<Instance> grow(List<String> devicesInUse);
    }

    /** How many instances, how to balance, when to grow and shrink. */
    record Sizing(int min, int max, boolean roundRobin, Duration idle, Grower grower) {
        static final Sizing SINGLE = new Sizing(1, 1, false, Duration.ZERO, null);
    }

    private final String id;
    private final String modelId;
    private final List<Instance> instances = new ArrayList<>(); // guarded by this
    private int growing; // guarded by this
    private int next; // guarded by this
    private final Sizing sizing;
    private final ThreadPoolExecutor executor;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    /** Calls off the books whose results are being handed to their callers (an unload waits for them too). */
    private final AtomicInteger delivering = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean accepting = true;
    private volatile ModelException revokedWith;
    private volatile boolean closed;

    private final int concurrency;
    private final int queueCapacity;
    private final java.util.concurrent.ScheduledExecutorService timer;
    private final Duration queueTimeout;

    /**
     * @param concurrency   calls run at once
     * @param queueCapacity calls that may wait beyond those running; more are refused with {@code OVERLOADED}
     */
    Worker(String id, String modelId, LoadedModel model, int concurrency, int queueCapacity) {
        this(id, modelId, model, concurrency, queueCapacity, () -> { }, null, Duration.ZERO, Sizing.SINGLE);
    }

    /**
     * @param onClosed     runs once the instance is closed (gives its memory back to the budget)
     * @param timer        runs queue timeouts ({@code null} when there are none)
     * @param queueTimeout how long a call may wait for a thread before it fails with {@code TIMEOUT}; 0 = no limit
     */
    Worker(String id, String modelId, LoadedModel model, int concurrency, int queueCapacity, Runnable onClosed,
           java.util.concurrent.ScheduledExecutorService timer, Duration queueTimeout, Sizing sizing) {
        this.timer = timer;
        this.queueTimeout = queueTimeout;
        this.concurrency = concurrency;
        this.queueCapacity = queueCapacity;
        this.id = id;
        this.modelId = modelId;
        this.sizing = sizing;
        this.instances.add(new Instance(id, model, onClosed));
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), DaemonThreads.named("modelmanager-" + id));
        this.executor.allowCoreThreadTimeOut(true);
        if (timer != null && sizing.max() > sizing.min() && sizing.idle().toMillis() > 0) {
            long every = Math.max(50, sizing.idle().toMillis() / 2);
            shrinking = timer.scheduleWithFixedDelay(this::shrink, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private java.util.concurrent.ScheduledFuture<?> shrinking;

    String id() {
        return id;
    }

    /** The devices of its instances, comma separated. */
    synchronized String device() {
        return instances.stream().map(Instance::device).distinct().collect(java.util.stream.Collectors.joining(","));
    }

    /** The first instance's model (its details and capabilities stand for all). */
    synchronized LoadedModel model() {
        return instances.get(0).model();
    }

    /** Loaded instances now. */
    synchronized int size() {
        return instances.size();
    }

    /** Memory all instances report using; -1 when none can tell. */
    synchronized long memoryBytes() {
        long sum = 0;
        boolean known = false;
        for (Instance i : instances) {
            try {
                long m = i.model().memoryBytes();
                if (m >= 0) {
                    sum += m;
                    known = true;
                }
            } catch (RuntimeException e) {
                // unknown
            }
        }
        return known ? sum : -1;
    }

    /** Each instance: id, device, and the calls it runs now. */
    synchronized String describe() {
        return instances.stream().map(i -> i.id() + " on " + i.device() + (i.busy == 0 ? " idle" : " busy " + i.busy))
            .collect(java.util.stream.Collectors.joining("; "));
    }

    /** Loads more instances now, up to {@code count} in all (preloading several workers). */
    void growTo(int count) {
        int wanted;
        synchronized (this) {
            wanted = Math.min(count, sizing.max()) - instances.size() - growing;
        }
        for (int i = 0; i < wanted; i++) {
            grow();
        }
    }

    private void grow() {
        List<String> devices;
        synchronized (this) {
            if (sizing.grower() == null || closed || !accepting || instances.size() + growing >= sizing.max()) {
                return;
            }
            growing++;
            devices = instances.stream().map(Instance::device).toList();
        }
        sizing.grower().grow(devices).whenComplete((instance, error) -> {
            boolean added = false;
            synchronized (this) {
                growing--;
                if (instance != null && !closed && accepting) {
                    instances.add(instance);
                    int threads = concurrency * instances.size();
                    executor.setMaximumPoolSize(threads);
                    executor.setCorePoolSize(threads);
                    added = true;
                }
            }
            if (instance != null && !added) {
                instance.close();
            } else if (added) {
                LOG.info("Worker pool of {} grew to {} instance(s): {}", modelId, size(), describe());
            } else {
                LOG.info("Worker pool of {} could not grow: {}", modelId, error == null ? "no instance"
                    : Calls.unwrap(error, modelId).getMessage());
            }
        });
    }

    /** Closes instances idle for the idle period, down to the minimum. */
    private void shrink() {
        List<Instance> idleOnes = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            for (java.util.Iterator<Instance> it = instances.iterator(); it.hasNext() && instances.size() > sizing.min();) {
                Instance i = it.next();
                if (i.busy == 0 && now - i.idleSince > sizing.idle().toNanos() && instances.size() > 1) {
                    it.remove();
                    idleOnes.add(i);
                }
            }
            if (!idleOnes.isEmpty()) {
                int threads = concurrency * instances.size();
                executor.setCorePoolSize(threads);
                executor.setMaximumPoolSize(threads);
            }
        }
        for (Instance i : idleOnes) {
            LOG.info("Worker pool of {}: instance {} on {} idle, closing it", modelId, i.id(), i.device());
            i.close();
        }
    }

    /** The instance for the next call: the least busy (or the next, round-robin). */
    private synchronized Instance take() {
        Instance chosen;
        if (sizing.roundRobin()) {
            chosen = instances.get(Math.floorMod(next++, instances.size()));
        } else {
            // The least busy; among equally busy ones, the one idle longest, so that calls spread over all.
            chosen = instances.get(0);
            for (Instance i : instances) {
                if (i.busy < chosen.busy || i.busy == chosen.busy && i.busy == 0 && i.idleSince < chosen.idleSince) {
                    chosen = i;
                }
            }
        }
        chosen.busy++;
        return chosen;
    }

    private synchronized void giveBack(Instance instance) {
        instance.busy--;
        if (instance.busy == 0) {
            instance.idleSince = System.nanoTime();
        }
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
        int threads = concurrency * size();
        if (inFlight.size() >= threads + queueCapacity) {
            return CompletableFuture.failedFuture(new ModelException(ErrorCode.OVERLOADED, modelId, "its queue is full ("
                + threads + " running, " + queueCapacity + " waiting); try again later"));
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
        if (inFlight.size() > threads) {
            grow(); // every thread is busy and calls wait: another instance, if the pool may grow
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

    /**
     * Runs a call. The call leaves the worker's books (in flight, busy instance) before its caller sees the result,
     * so that a caller who got its answer finds the model idle: an unload or an eviction decided right after does not
     * see it as busy.
     */
    private <R> void execute(Call<R> call, CompletableFuture<R> future) {
        ModelException revoked = revokedWith;
        if (revoked != null || future.isDone()) {
            finished(future);
            future.completeExceptionally(revoked != null ? revoked
                : new ModelException(ErrorCode.CANCELLED, modelId, "the call was cancelled before it ran"));
            return;
        }
        R value = null;
        ModelException failure = null;
        running.incrementAndGet();
        Instance instance = take();
        try {
            value = call.run(instance, future::isDone);
        } catch (ModelException e) {
            failure = e.forModel(modelId);
        } catch (Throwable e) {
            failure = new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the model failed: " + e, e);
        } finally {
            giveBack(instance);
            delivering.incrementAndGet();
            running.decrementAndGet();
            finished(future);
        }
        try {
            revoked = revokedWith;
            if (revoked != null && failure != null) {
                future.completeExceptionally(revoked);
            } else if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(value);
            }
        } finally {
            if (delivering.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
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
            while (!inFlight.isEmpty() || running.get() > 0 || delivering.get() > 0) {
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
        List<Instance> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(instances);
        }
        if (shrinking != null) {
            shrinking.cancel(false);
        }
        executor.shutdown();
        for (Instance i : all) {
            i.close();
        }
    }
}
