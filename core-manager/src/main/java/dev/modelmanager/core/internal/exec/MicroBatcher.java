package dev.modelmanager.core.internal.exec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.LoadedModel;

/**
 * Coalesces concurrent calls on texts (embedding, classification) to one worker pool into batches. Texts wait here
 * only while every slot of the pool is busy (a caller that finds a free slot and nothing waiting bypasses the
 * batcher altogether); then texts from all callers leave together, up to {@code batch_size} per batch, each batch
 * taking a slot as one frees, on whichever instance is least busy (so a pool that grows serves batches on all its
 * instances at once). Calls take turns: each waiting call is a lane, a batch takes an equal share of texts from
 * every lane in turn (a lane that gave texts goes to the back), so a call of 100,000 texts runs as batches between
 * other callers' calls instead of ahead of them, and no text waits behind newer ones for ever. Each caller gets
 * exactly its own values. With {@code micro.batching.delay.ms} above 0, texts also wait up to that long for company
 * while a slot is free (Triton's {@code max_queue_delay}): bigger batches at the price of that much latency.
 *
 * @param <C> the capability the batches run on (e.g. the SPI's embedding model)
 * @param <V> the value per text
 */
public final class MicroBatcher<C, V> {
    /** Runs one batch on the model: one value per text, in order. */
    @FunctionalInterface
    public interface Runner<C, V> {
        List<V> run(C model, List<String> texts) throws Exception;
    }

    /** One text's value with how it was made. */
    public record Done<V>(V value, Duration took, String workerId, String device) {
    }

    private record Item<V>(BatchRequest<V> request, int index) {
        String text() {
            return request.texts.get(index);
        }
    }

    private final WorkerPool pool;
    private final Function<LoadedModel, C> view;
    private final Runner<C, V> runner;
    private final java.util.function.IntSupplier batchSize;
    private final Supplier<Duration> delay;
    /** Calls with texts not yet taken, in turn order; guarded by this. */
    private final ArrayDeque<BatchRequest<V>> lanes = new ArrayDeque<>();
    private volatile int waiting; // texts not yet taken, over all lanes; written under this
    private boolean taskQueued; // guarded by this: a batch task waits in the pool or is about to run
    private boolean flushScheduled; // guarded by this
    /** Slots waiting for their callers' next texts (see {@link #linger}); written under this. */
    private volatile int lingering;
    private long oldest; // guarded by this: when the oldest pending text arrived (nanoTime)

    /**
     * @param view turns an instance's model into the capability the batches need (or fails with why it cannot)
     */
    public MicroBatcher(WorkerPool pool, Function<LoadedModel, C> view, Runner<C, V> runner,
                        java.util.function.IntSupplier batchSize, Supplier<Duration> delay) {
        this.pool = pool;
        this.view = view;
        this.runner = runner;
        this.batchSize = batchSize;
        this.delay = delay;
    }

    private int batchSize() {
        return Math.max(1, batchSize.getAsInt());
    }

    /** Texts waiting for a slot. */
    public int waiting() {
        return waiting;
    }

    /** Whether a caller may skip the batcher: nothing waits and texts need not wait for company. */
    public boolean bypassable(int texts) {
        return waiting == 0 && lingering == 0 && texts <= batchSize() && delay.get().isZero();
    }

    /**
     * Queues a caller's texts. {@code null} when the pool no longer takes calls (look the model up again);
     * otherwise the request, already failed with {@code OVERLOADED} when too many texts wait. At most
     * {@code queue_capacity} batches' worth of texts wait, each call counted at most one batch (what it can have at
     * its next turn); a call arriving when nothing waits is always taken.
     */
    public BatchRequest<V> submit(List<String> texts) {
        if (!pool.isAccepting()) {
            return null;
        }
        BatchRequest<V> request = new BatchRequest<>(texts);
        boolean enqueue = false;
        long flushIn = -1;
        synchronized (this) {
            int batch = batchSize();
            long limit = (long) Math.max(1, pool.config().queueCapacity()) * batch;
            long queued = queuedLocked(batch);
            if (!lanes.isEmpty() && queued + Math.min(texts.size(), batch) > limit) {
                request.fail(new ModelException(ErrorCode.OVERLOADED, pool.modelId(), "its queue is full ("
                    + lanes.size() + " calls with " + waiting + " texts waiting, at most " + limit
                    + " texts at their next turn); try again later"));
                return request;
            }
            if (lanes.isEmpty()) {
                oldest = System.nanoTime();
            }
            lanes.addLast(request);
            waiting += texts.size();
            long wait = waitLocked();
            if (lingering > 0) {
                notifyAll(); // a slot waits for these texts
            } else if (wait <= 0) {
                enqueue = !taskQueued;
                taskQueued = true;
            } else if (!flushScheduled) {
                flushScheduled = true;
                flushIn = wait;
            }
        }
        request.expiry = QueueTimeouts.arm(pool, () -> {
            if (withdraw(request)) {
                request.fail(QueueTimeouts.expired(pool.modelId(), pool.config().queueTimeout()));
            }
        });
        if (flushIn > 0) {
            pool.timer().schedule(() -> pool.lifecycle().execute(this::flush), flushIn, TimeUnit.NANOSECONDS);
        }
        if (enqueue) {
            RuntimeException refused = pool.enqueue(new BatchTask(), false);
            if (refused != null) {
                boolean others;
                synchronized (this) {
                    taskQueued = false;
                    removeLocked(request);
                    others = !lanes.isEmpty();
                }
                if (refused instanceof WorkerPool.NotAccepting) {
                    request.cancelExpiry();
                    if (others) {
                        flush();
                    }
                    return null;
                }
                request.fail(refused);
            }
        }
        return request;
    }

    /**
     * Waits for a blocking caller's request: at most the queue timeout while none of its texts has started (then it
     * leaves with {@code TIMEOUT}), as long as it takes once one has.
     */
    public List<Done<V>> await(BatchRequest<V> request) {
        Duration timeout = pool.config().queueTimeout();
        try {
            if (!timeout.isZero()) {
                try {
                    return request.future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (withdraw(request)) {
                        throw QueueTimeouts.expired(pool.modelId(), timeout);
                    }
                }
            }
            return request.future.get();
        } catch (InterruptedException e) {
            abandon(request); // its texts not yet taken leave the queue, even once some have run
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, pool.modelId(), "interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            throw Failures.unwrap(e, pool.modelId());
        }
    }

    /** How long the next batch may still wait for company; 0 or less: send it now. */
    private long waitLocked() {
        Duration d = delay.get();
        if (d.isZero() || waiting >= batchSize()) {
            return 0;
        }
        return d.toNanos() - (System.nanoTime() - oldest);
    }

    private void flush() {
        boolean enqueue;
        synchronized (this) {
            flushScheduled = false;
            enqueue = !lanes.isEmpty() && !taskQueued;
            taskQueued |= enqueue;
        }
        if (enqueue) {
            enqueueFollowUp();
        }
    }

    /** Queues the next batch for work already accepted (also while the pool drains). */
    private void enqueueFollowUp() {
        RuntimeException refused = pool.enqueue(new BatchTask(), true);
        if (refused instanceof WorkerPool.NotAccepting) {
            // closed under texts already accepted: their callers learn it as the pool's unload, not as a failure
            refused = new ModelException(ErrorCode.NOT_LOADED, pool.modelId(), "the model was unloaded before the "
                + "call ran; call again to load it");
        }
        if (refused != null) {
            failAll(refused);
        }
    }

    /** Takes a request's texts out if none of them has started; {@code false} when some run already. */
    private boolean withdraw(BatchRequest<V> request) {
        synchronized (this) {
            if (request.started > 0) {
                return false;
            }
            removeLocked(request);
            return true;
        }
    }

    private void removeLocked(BatchRequest<V> request) {
        if (lanes.remove(request)) {
            waiting -= request.texts.size() - request.started;
        }
    }

    /**
     * What waits, as the queue limit counts it: each call's texts up to one batch, the share it can have at its next
     * turn (a call of many texts waits its turns without crowding other callers out of the queue).
     */
    private long queuedLocked(int batch) {
        long queued = 0;
        for (BatchRequest<V> r : lanes) {
            queued += Math.min(batch, r.texts.size() - r.started);
        }
        return queued;
    }

    /**
     * The caller gave its request up (cancelled its future; over REST, the client went away): its texts not yet
     * taken into a batch leave the queue, and it fails with {@code CANCELLED}. Texts already running finish.
     */
    public void abandon(BatchRequest<V> request) {
        synchronized (this) {
            removeLocked(request);
        }
        request.fail(new ModelException(ErrorCode.CANCELLED, pool.modelId(), "the caller cancelled the call"));
    }

    /** Fails every waiting text (the provider left). */
    void failAll(RuntimeException why) {
        List<BatchRequest<V>> dropped;
        synchronized (this) {
            dropped = new ArrayList<>(lanes);
            lanes.clear();
            waiting = 0;
            taskQueued = false;
        }
        dropped.forEach(r -> r.fail(why));
    }

    /**
     * The next batch: an equal share of the batch from every waiting call in turn, again while room is left; each
     * call that gave texts goes to the back of the turn order.
     */
    private List<Item<V>> takeLocked() {
        int batchSize = batchSize();
        List<Item<V>> batch = new ArrayList<>(Math.min(batchSize, Math.max(1, waiting)));
        while (batch.size() < batchSize && !lanes.isEmpty()) {
            int turns = lanes.size();
            int share = Math.max(1, (batchSize - batch.size()) / turns);
            for (int t = 0; t < turns && batch.size() < batchSize; t++) {
                BatchRequest<V> lane = lanes.pollFirst();
                int n = Math.min(Math.min(share, lane.texts.size() - lane.started), batchSize - batch.size());
                for (int k = 0; k < n; k++) {
                    batch.add(new Item<>(lane, lane.next()));
                }
                waiting -= n;
                if (lane.started < lane.texts.size()) {
                    lanes.addLast(lane);
                }
            }
        }
        oldest = System.nanoTime();
        return batch;
    }

    /** A batch task was granted a slot: run batches on it while there are texts for it. */
    private void runBatches(Instance instance) {
        synchronized (this) {
            taskQueued = false;
        }
        while (runBatch(instance)) {
            // the slot stayed with the batcher: its callers came back while it lingered
        }
    }

    /**
     * Runs the next batch on the slot, after queueing the one after it when texts remain. Under load (a batch of
     * several callers, nothing else waiting for the pool) the slot lingers after delivering, at most a tenth of the
     * batch's own time, for those callers' next texts, instead of going to whichever single text comes first: with a
     * fixed cost per provider call that keeps batches full. Answers whether the slot is still held (run again).
     */
    private boolean runBatch(Instance instance) {
        List<Item<V>> batch;
        boolean more;
        long flushIn = -1;
        synchronized (this) {
            batch = takeLocked();
            long wait = lanes.isEmpty() ? -1 : waitLocked();
            more = !lanes.isEmpty() && wait <= 0 && !taskQueued;
            taskQueued |= more;
            if (!lanes.isEmpty() && wait > 0 && !flushScheduled) {
                flushScheduled = true;
                flushIn = wait;
            }
        }
        if (more) {
            enqueueFollowUp();
        } else if (flushIn > 0) {
            pool.timer().schedule(() -> pool.lifecycle().execute(this::flush), flushIn, TimeUnit.NANOSECONDS);
        }
        if (batch.isEmpty()) {
            pool.release(instance);
            return false;
        }
        List<String> texts = new ArrayList<>(batch.size());
        for (Item<V> item : batch) {
            texts.add(item.text());
        }
        long t0 = System.nanoTime();
        List<V> values = null;
        RuntimeException failure = null;
        try {
            values = runner.run(view.apply(instance.model()), texts);
            if (values == null || values.size() != texts.size()) {
                throw new ModelException(ErrorCode.INFERENCE_FAILED, pool.modelId(), "the provider returned "
                    + (values == null ? "nothing" : values.size() + " results") + " for " + texts.size() + " texts");
            }
        } catch (Throwable e) {
            failure = Failures.ofModel(e, pool.modelId());
        }
        long tookNanos = System.nanoTime() - t0;
        Duration took = Duration.ofNanos(tookNanos);
        List<V> results = values;
        RuntimeException failed = failure;
        Runnable deliver = () -> {
            RuntimeException why = pool.revokedWith() != null ? pool.revokedWith() : failed;
            for (int i = 0; i < batch.size(); i++) {
                Item<V> item = batch.get(i);
                if (why != null) {
                    item.request.fail(why);
                } else {
                    item.request.set(item.index, new Done<>(results.get(i), took, instance.id(), instance.device()));
                }
            }
        };
        int callers = (int) batch.stream().map(Item::request).distinct().count();
        long linger = Math.min(tookNanos / 10, MAX_LINGER_NANOS);
        if (callers < 2 || linger < MIN_LINGER_NANOS || failed != null || !pool.isAccepting()) {
            pool.finish(instance, deliver); // off the books first: a lone caller finds the pool idle
            return false;
        }
        deliver.run();
        return linger(instance, callers, linger);
    }

    /** Longest a slot waits for its callers' next texts. */
    private static final long MAX_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Below this, waiting costs more than it could gain. */
    private static final long MIN_LINGER_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    /**
     * Keeps the slot up to {@code nanos} while nothing else waits for the pool, until {@code callers} texts wait;
     * {@code true} when there are texts to run on it now, otherwise the slot is given back.
     */
    private boolean linger(Instance instance, int callers, long nanos) {
        boolean keep;
        synchronized (this) {
            if (!taskQueued && pool.waitingCalls() == 0) {
                lingering++;
                long deadline = System.nanoTime() + nanos;
                try {
                    for (long left = nanos; waiting < callers && left > 0; left = deadline - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    lingering--;
                }
            }
            // while the pool drains, the slot runs on for texts already taken in (a caller arriving while it
            // lingered only woke it: no batch task waits for them); a revoked pool has failed them all
            keep = !lanes.isEmpty() && pool.revokedWith() == null;
        }
        if (!keep) {
            pool.release(instance);
        }
        return keep;
    }

    /**
     * A batch waiting in the pool's queue for a slot. The batcher is its requester: its callers already take turns
     * in it, and in the pool's queue its batches (one waits at a time) take turns with the other requesters' calls.
     */
    private final class BatchTask extends Waiter {
        BatchTask() {
            super(MicroBatcher.this);
        }

        @Override
        void granted() {
            Instance i = instance;
            pool.dispatch(() -> runBatches(i));
        }

        @Override
        void rejected(RuntimeException why) {
            failAll(why);
        }
    }
}
