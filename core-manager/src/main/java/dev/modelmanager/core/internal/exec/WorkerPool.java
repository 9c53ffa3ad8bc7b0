package dev.modelmanager.core.internal.exec;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.BatchPolicy;
import dev.modelmanager.api.spi.LoadedModel;

/**
 * The worker pool of one loaded model: its instances (each on one device, each running up to {@code concurrency}
 * calls at once), the calls waiting for a free slot, and the threads that serve queued and asynchronous calls.
 *
 * <p>A blocking call that finds a free slot runs on the caller's own thread: no hand-off, no timer, one short
 * critical section to take the slot and one to give it back. Only when every slot is busy does a call wait, in one
 * FIFO queue of exactly {@code queueCapacity} places; a freed slot goes straight to the oldest waiter (a blocking
 * caller is woken to run it itself, an asynchronous one is dispatched to the pool's threads), and the queue-timeout
 * timer is armed only for a waiter that can time out that way. While calls wait, the pool asks for another instance,
 * up to its maximum; instances idle for the idle period close again, down to the minimum. Each call goes to the
 * least busy instance (ties to the one idle longest) or, with round-robin, to the next one.
 *
 * <p>No provider code runs under the pool's lock or on the timer thread: closing instances and growing happen on
 * the lifecycle executor.
 */
public final class WorkerPool {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    /**
     * How the pool is sized and queued.
     *
     * @param min           instances it keeps (at least 1)
     * @param max           instances it may grow to while calls wait
     * @param concurrency   calls one instance runs at once
     * @param queueCapacity calls that may wait beyond those running; more are refused with {@code OVERLOADED}
     * @param queueTimeout  how long a call may wait for a slot before {@code TIMEOUT}; zero for no limit
     * @param roundRobin    calls take the instances in turn instead of the least busy
     * @param idle          how long an instance beyond the minimum may stay idle before it closes
     */
    public record Config(int min, int max, int concurrency, int queueCapacity, Duration queueTimeout,
                         boolean roundRobin, Duration idle) {
        public Config {
            if (min < 1 || max < min || concurrency < 1 || queueCapacity < 0) {
                throw new IllegalArgumentException("pool sizes: min " + min + ", max " + max + ", concurrency "
                    + concurrency + ", queue " + queueCapacity);
            }
        }

        /** One instance, {@code concurrency} calls at once, {@code queueCapacity} waiting, no timeout. */
        public static Config single(int concurrency, int queueCapacity) {
            return new Config(1, 1, concurrency, queueCapacity, Duration.ZERO, false, Duration.ZERO);
        }
    }

    /** A call on one instance's model; whatever it throws becomes the call's failure. */
    @FunctionalInterface
    public interface Job<R> {
        /**
         * @param abandoned turns true when nobody waits for the result any more (the caller cancelled or was
         *                  interrupted, the provider left): long calls should check it and stop
         */
        R run(Instance instance, BooleanSupplier abandoned) throws Exception;
    }

    /** How the pool gets another instance (loaded with its own memory reservation), or fails to. */
    @FunctionalInterface
    public interface Grower {
        CompletableFuture<Instance> grow(List<String> devicesInUse);
    }

    /** Closes an instance's model (bounded in time) and then runs its {@link Instance#closed()} hook. */
    @FunctionalInterface
    public interface Closer {
        void close(Instance instance);
    }

    /** Thrown by {@link #call} when the pool no longer takes calls: look the model up again. */
    public static final class NotAccepting extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NotAccepting INSTANCE = new NotAccepting();

        private NotAccepting() {
            super("the worker pool no longer takes calls", null, false, false);
        }
    }

    private final String id;
    private final String modelId;
    private final Config config;
    private final Grower grower;
    private final Closer closer;
    private final ScheduledExecutorService timer;
    private final Executor lifecycle;
    private final ThreadPoolExecutor executor;
    private final Map<String, MicroBatcher<?, ?>> batchers = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> shrinking;

    private final Slots slots;
    private final boolean combines;
    /** An unload asked running calls to stop: long calls (generations) see themselves abandoned. */
    private volatile boolean stopping;

    public WorkerPool(String id, String modelId, Instance first, Config config, Grower grower, Closer closer,
                      ScheduledExecutorService timer, Executor lifecycle) {
        this.id = id;
        this.modelId = modelId;
        this.config = config;
        this.grower = grower;
        this.closer = closer;
        this.timer = timer;
        this.lifecycle = lifecycle;
        this.slots = new Slots(modelId, first, config, grower != null);
        this.combines = combines(first.model());
        int capacity = config.concurrency();
        this.executor = new ThreadPoolExecutor(capacity, capacity, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            DaemonThreads.named("modelmanager-" + id));
        this.executor.allowCoreThreadTimeOut(true);
        if (timer != null && config.max() > config.min() && config.idle().toMillis() > 0) {
            long every = Math.max(50, config.idle().toMillis() / 2);
            shrinking = timer.scheduleWithFixedDelay(this::shrink, every, every, TimeUnit.MILLISECONDS);
        } else {
            shrinking = null;
        }
    }

    public String id() {
        return id;
    }

    public String modelId() {
        return modelId;
    }

    /** The devices of its instances, comma separated. */
    public String device() {
        return Arrays.stream(slots.instances()).map(Instance::device).distinct().collect(Collectors.joining(","));
    }

    /** The first instance's model: its details and capabilities stand for all. */
    public LoadedModel model() {
        return slots.instances()[0].model();
    }

    /**
     * Whether callers' texts may be merged into one call ({@link BatchPolicy#COMBINE}, as the first instance stated
     * when the pool was made; a provider failing to say means yes).
     */
    public boolean combinesCalls() {
        return combines;
    }

    private static boolean combines(LoadedModel model) {
        try {
            return model.batchPolicy() != BatchPolicy.PER_CALL;
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    /** Loaded instances now. */
    public int size() {
        return slots.instances().length;
    }

    /** Memory all instances report using; -1 when none can tell. Asks the providers: never call under a lock. */
    public long memoryBytes() {
        long sum = 0;
        boolean known = false;
        for (Instance i : slots.instances()) {
            long m = i.memoryBytes();
            if (m >= 0) {
                sum += m;
                known = true;
            }
        }
        return known ? sum : -1;
    }

    /** Each instance: id, device, and the calls it runs now. */
    public String describe() {
        return slots.describe();
    }

    public boolean isAccepting() {
        return slots.isAccepting();
    }

    /** Why the pool's calls fail now (its provider left), or {@code null}. */
    public ModelException revokedWith() {
        return slots.revokedWith();
    }

    /** Calls running or waiting for a slot (texts waiting in a batcher not counted). */
    public int inFlight() {
        return slots.inFlight();
    }

    /** Calls and texts waiting for a slot. */
    public int queued() {
        int n = slots.waiting();
        for (MicroBatcher<?, ?> b : batchers.values()) {
            n += b.waiting();
        }
        return n;
    }

    /** Calls (and batch tasks) waiting in the queue for a slot. */
    int waitingCalls() {
        return slots.waiting();
    }

    /** Nothing running, waiting or being delivered: it can be unloaded without failing or delaying anyone. */
    public boolean isIdle() {
        return slots.isIdle() && batched() == 0;
    }

    /** The pool's batcher for one kind of call, created on first use. */
    @SuppressWarnings("unchecked")
    public <C, V> MicroBatcher<C, V> batcher(String operation, Function<WorkerPool, MicroBatcher<C, V>> factory) {
        MicroBatcher<?, ?> b = batchers.get(operation);
        if (b == null) {
            b = batchers.computeIfAbsent(operation, op -> factory.apply(this));
        }
        return (MicroBatcher<C, V>) b;
    }

    Executor executor() {
        return executor;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    Config config() {
        return config;
    }

    Executor lifecycle() {
        return lifecycle;
    }

    // ------------------------------------------------------------------ admission

    /**
     * Takes a free slot on the least busy instance; {@code null} when every slot is busy, calls already wait (they
     * go first), or the pool no longer takes calls (see {@link #isAccepting()}).
     */
    public Instance tryAcquire() {
        return slots.tryAcquire();
    }

    /** Gives a slot back; the oldest waiter, if any, gets it at once. */
    public void release(Instance instance) {
        slots.release(instance);
    }

    /** See {@link Slots#enqueue}; a waiter that must wait makes the pool grow when it may. */
    RuntimeException enqueue(Waiter w, boolean evenDraining) {
        return slots.enqueue(w, evenDraining, this::growOne);
    }

    /** Takes a waiter out of the queue if it is still there (it timed out or was cancelled). */
    boolean withdraw(Waiter w) {
        return slots.withdraw(w);
    }

    // ------------------------------------------------------------------ running calls

    /**
     * Runs a call and waits for it: on the caller's thread at once when a slot is free, else after waiting its turn
     * (at most the queue timeout; interruption withdraws it).
     *
     * @throws NotAccepting  when the pool no longer takes calls
     * @throws ModelException the call's failure, {@code OVERLOADED}, {@code TIMEOUT}, {@code CANCELLED}
     */
    public <R> R call(Job<R> job) {
        Instance instance = tryAcquire();
        if (instance == null) {
            BlockingWaiter ticket = new BlockingWaiter(this);
            RuntimeException refused = enqueue(ticket, false);
            if (refused != null) {
                throw refused;
            }
            instance = ticket.await(config.queueTimeout());
        }
        return runInline(instance, job);
    }

    /** Runs a call on an instance whose slot the caller holds, on the caller's thread, and gives the slot back. */
    public <R> R runInline(Instance instance, Job<R> job) {
        R value;
        try {
            value = job.run(instance, this::abandonedInline);
        } catch (Throwable e) {
            ModelException revoked = slots.revokedWith();
            throw revoked != null ? revoked : Failures.ofModel(e, modelId);
        } finally {
            release(instance);
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

    /**
     * Queues a call to run on the pool's threads; {@code result} completes with its value or failure, after
     * {@code before} (the caller's accounting, may be {@code null}) saw it. A caller that cancels {@code result}
     * abandons the call.
     *
     * @return {@code false} when the pool no longer takes calls (look the model up again; {@code result} is untouched)
     */
    public <R> boolean submit(Job<R> job, CompletableFuture<R> result,
                              BiConsumer<? super R, ? super ModelException> before) {
        AsyncCall<R> call = new AsyncCall<>(this, job, result, before);
        RuntimeException refused = enqueue(call, false);
        if (refused instanceof NotAccepting) {
            return false;
        }
        if (refused != null) {
            call.complete(null, (ModelException) refused);
        }
        return true;
    }

    /** Runs a call on an instance whose slot the caller took ({@link #tryAcquire}), on the pool's threads. */
    public <R> void dispatch(Instance instance, Job<R> job, CompletableFuture<R> result,
                             BiConsumer<? super R, ? super ModelException> before) {
        AsyncCall<R> call = new AsyncCall<>(this, job, result, before);
        call.instance = instance;
        call.state = Waiter.GRANTED;
        dispatch(call);
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

    // ------------------------------------------------------------------ growing and shrinking

    /** Loads more instances now, up to {@code count} in all (preloading several workers). */
    public void growTo(int count) {
        int wanted = slots.mayGrow(count - size());
        for (int i = 0; i < wanted; i++) {
            growOne();
        }
    }

    /** Asks for one more instance; the slots already count it as growing. */
    private void growOne() {
        List<String> devices = Arrays.stream(slots.instances()).map(Instance::device).toList();
        grower.grow(devices).whenComplete((instance, error) -> {
            boolean added = slots.grown(instance);
            if (added) {
                resize();
                LOG.info("Worker pool of {} grew to {} instance(s): {}", modelId, size(), describe());
            } else if (instance != null) {
                closer.close(instance);
            } else {
                LOG.info("Worker pool of {} could not grow: {}", modelId, error == null ? "no instance"
                    : Failures.unwrap(error, modelId).getMessage());
            }
        });
    }

    /** The pool's threads follow its slots. */
    private void resize() {
        int capacity = slots.capacity();
        if (capacity > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(capacity);
            executor.setCorePoolSize(capacity);
        } else {
            executor.setCorePoolSize(capacity);
            executor.setMaximumPoolSize(capacity);
        }
    }

    /** Closes instances idle for the idle period, down to the minimum. Runs on the timer: closing goes elsewhere. */
    private void shrink() {
        List<Instance> idleOnes = slots.shrink(config.idle().toNanos());
        if (!idleOnes.isEmpty()) {
            resize();
        }
        for (Instance i : idleOnes) {
            LOG.info("Worker pool of {}: instance {} on {} idle, closing it", modelId, i.id(), i.device());
            try {
                lifecycle.execute(() -> closer.close(i));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                closer.close(i); // the manager stops: the instance must still go
            }
        }
    }

    // ------------------------------------------------------------------ leaving

    /**
     * Stops taking calls and fails every waiting call (and batched text) at once with {@code reason}. Calls already
     * inside the model keep their slot until they return, and then fail with {@code reason} too;
     * {@link #drainAndClose} waits for that.
     */
    public void revoke(ModelException reason) {
        slots.revoke(reason);
        for (MicroBatcher<?, ?> b : batchers.values()) {
            b.failAll(reason);
        }
    }

    /**
     * Stops taking new calls, lets accepted ones (running, waiting, batched) finish for up to {@code timeout}, then
     * closes every instance.
     *
     * @return whether every call finished in time
     */
    public boolean drainAndClose(Duration timeout) {
        return drainAndClose(timeout, false);
    }

    /**
     * As {@link #drainAndClose(Duration)}; with {@code stopRunning}, running calls are told at once that nobody
     * waits for them any more (a generation stops at its next token and answers {@code cancelled}), so that an
     * unload does not wait for a long generation. Short calls (embeddings) finish as they are.
     */
    public boolean drainAndClose(Duration timeout, boolean stopRunning) {
        return drainAndClose(timeout, stopRunning,
            new ModelException(ErrorCode.TIMEOUT, modelId, "the model was unloaded before the call finished"));
    }

    /** As {@link #drainAndClose(Duration, boolean)}; calls still there after {@code timeout} fail with {@code late}. */
    public boolean drainAndClose(Duration timeout, boolean stopRunning, ModelException late) {
        if (stopRunning) {
            stopping = true;
        }
        slots.stopAccepting();
        boolean drained = slots.awaitDrained(System.nanoTime() + timeout.toNanos(), this::batched);
        if (!drained) {
            LOG.warn("Worker pool {} still had calls running after {}; closing it anyway", id, timeout);
            revoke(late);
        }
        close();
        return drained;
    }

    private int batched() {
        int n = 0;
        for (MicroBatcher<?, ?> b : batchers.values()) {
            n += b.waiting();
        }
        return n;
    }

    private void close() {
        Instance[] all = slots.close();
        if (all == null) {
            return;
        }
        if (shrinking != null) {
            shrinking.cancel(false);
        }
        executor.shutdown();
        for (Instance i : all) {
            closer.close(i);
        }
    }
}
