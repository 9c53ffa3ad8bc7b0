package dev.modelmanager.core.internal.exec;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
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
 * queue of exactly {@code queueCapacity} places where requesters take turns ({@link FairQueue}: round-robin between
 * requesters, first come, first served within one); a freed slot goes straight to the next waiter (a blocking
 * caller is woken to run it itself, an asynchronous one is dispatched to the pool's threads), and the queue-timeout
 * timer is armed only for a waiter that can time out that way. While calls wait, the pool asks for another instance,
 * up to its maximum; instances idle for the idle period close again, down to the minimum. Each call goes to the
 * least busy instance (ties to the one idle longest) or, with round-robin, to the next one.
 *
 * <p>No provider code runs under the pool's lock or on the timer thread: closing instances and growing happen on
 * the lifecycle executor. The pool is a façade over its parts: {@link Slots} (the admission state),
 * {@link SlotRunner} (running calls that hold a slot, and the pool's threads) and {@link PoolGrowth} (growing and
 * shrinking).
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
    private final Closer closer;
    private final ScheduledExecutorService timer;
    private final Executor lifecycle;
    private final Map<String, MicroBatcher<?, ?>> batchers = new ConcurrentHashMap<>();

    private final Slots slots;
    private final SlotRunner runner;
    private final PoolGrowth growth;
    private final boolean combines;

    public WorkerPool(String id, String modelId, Instance first, Config config, Grower grower, Closer closer,
                      ScheduledExecutorService timer, Executor lifecycle) {
        this.id = id;
        this.modelId = modelId;
        this.config = config;
        this.closer = closer;
        this.timer = timer;
        this.lifecycle = lifecycle;
        this.slots = new Slots(modelId, first, config, grower != null);
        this.combines = combines(first.model());
        this.runner = new SlotRunner(id, modelId, slots, config.concurrency());
        this.growth = new PoolGrowth(modelId, slots, runner, config, grower, closer, timer, lifecycle);
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

    /** Gives a slot back; the next waiter in turn, if any, gets it at once. */
    public void release(Instance instance) {
        slots.release(instance);
    }

    /** See {@link Slots#enqueue}; a waiter that must wait makes the pool grow when it may. */
    RuntimeException enqueue(Waiter w, boolean evenDraining) {
        return slots.enqueue(w, evenDraining, growth::growOne);
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
     * @param requester whom the call waits as, should it wait: requesters take turns, each one's calls first come,
     *                  first served (compared with {@code equals})
     * @throws NotAccepting  when the pool no longer takes calls
     * @throws ModelException the call's failure, {@code OVERLOADED}, {@code TIMEOUT}, {@code CANCELLED}
     */
    public <R> R call(Object requester, Job<R> job) {
        Instance instance = tryAcquire();
        if (instance == null) {
            BlockingWaiter ticket = new BlockingWaiter(this, requester);
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
        return runner.runInline(instance, job);
    }

    /**
     * Queues a call to run on the pool's threads; {@code result} completes with its value or failure, after
     * {@code before} (the caller's accounting, may be {@code null}) saw it. A caller that cancels {@code result}
     * abandons the call.
     *
     * @param requester whom the call waits as, as for {@link #call}
     * @return {@code false} when the pool no longer takes calls (look the model up again; {@code result} is untouched)
     */
    public <R> boolean submit(Object requester, Job<R> job, CompletableFuture<R> result,
                              BiConsumer<? super R, ? super ModelException> before) {
        AsyncCall<R> call = new AsyncCall<>(this, requester, job, result, before);
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
        AsyncCall<R> call = new AsyncCall<>(this, null, job, result, before); // granted: it never waits
        call.instance = instance;
        call.state = Waiter.GRANTED;
        dispatch(call);
    }

    /** Runs a granted asynchronous call: off the books first, then its result to its caller. */
    <R> void runGranted(Instance instance, AsyncCall<R> call) {
        runner.runGranted(instance, call);
    }

    /** See {@link SlotRunner#finish}. */
    void finish(Instance instance, Runnable deliver) {
        runner.finish(instance, deliver);
    }

    /** Runs {@code task} on the pool's threads; a shut-down executor runs it on the caller's thread instead. */
    void dispatch(Runnable task) {
        runner.dispatch(task);
    }

    // ------------------------------------------------------------------ growing and shrinking

    /** Loads more instances now, up to {@code count} in all (preloading several workers). */
    public void growTo(int count) {
        growth.growTo(count);
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
            runner.stopRunning();
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
        growth.stop();
        runner.shutdown();
        for (Instance i : all) {
            closer.close(i);
        }
    }
}
