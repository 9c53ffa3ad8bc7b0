package dev.modelmanager.core.internal.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * The admission state of a {@link WorkerPool}: its instances, the slots in use on each, and the queue of waiters,
 * all under one short lock that no I/O, provider code or caller's code ever runs under. A free slot goes to the least
 * busy instance (ties to the one idle longest) or, with round-robin, to the next one; a slot given back goes straight
 * to the next waiter: requesters take turns, each one's waiters first come, first served ({@link FairQueue}). The
 * queue holds exactly {@code queueCapacity} waiters, whoever they wait for: the check and the add are one step.
 * Waiters are told outside the lock.
 */
final class Slots {
    private final String modelId;
    private final WorkerPool.Config config;
    private final boolean growable;
    private final Object lock = new Object();
    /** Replaced (never changed in place) under the lock, read without it. */
    private volatile Instance[] instances;
    private final FairQueue<Waiter> queue = new FairQueue<>();
    private int busy;
    private int capacity;
    private int growing;
    private int next;
    /** Calls off the books whose results are being handed over. */
    private int delivering;
    private volatile boolean accepting = true;
    private volatile ModelException revokedWith;
    private boolean closed;

    Slots(String modelId, Instance first, WorkerPool.Config config, boolean growable) {
        this.modelId = modelId;
        this.config = config;
        this.growable = growable;
        this.instances = new Instance[] {first};
        this.capacity = config.concurrency();
    }

    Instance[] instances() {
        return instances;
    }

    boolean isAccepting() {
        return accepting;
    }

    ModelException revokedWith() {
        return revokedWith;
    }

    int capacity() {
        synchronized (lock) {
            return capacity;
        }
    }

    /** Calls running or waiting for a slot. */
    int inFlight() {
        synchronized (lock) {
            return busy + queue.size();
        }
    }

    int waiting() {
        synchronized (lock) {
            return queue.size();
        }
    }

    boolean isIdle() {
        synchronized (lock) {
            return busy == 0 && queue.isEmpty();
        }
    }

    /** Each instance: id, device, and the calls it runs now. */
    String describe() {
        synchronized (lock) {
            return Arrays.stream(instances).map(i -> i.id() + " on " + i.device()
                + (i.busy == 0 ? " idle" : " busy " + i.busy)).collect(Collectors.joining("; "));
        }
    }

    // ------------------------------------------------------------------ taking and giving back

    /** A free slot, taken; {@code null} when all are busy, calls already wait (they go first), or it takes no calls. */
    Instance tryAcquire() {
        synchronized (lock) {
            if (!accepting || !queue.isEmpty() || busy >= capacity) {
                return null;
            }
            return takeLocked();
        }
    }

    /** Gives a slot back; the next waiter, if any, gets it at once. */
    void release(Instance instance) {
        Waiter granted;
        synchronized (lock) {
            instance.busy--;
            busy--;
            if (instance.busy == 0) {
                instance.idleSince = System.nanoTime();
            }
            granted = grantLocked();
            if (granted == null && busy == 0 && !accepting) {
                lock.notifyAll();
            }
        }
        if (granted != null) {
            granted.granted();
        }
    }

    private Instance takeLocked() {
        Instance[] all = instances;
        Instance chosen = null;
        if (config.roundRobin()) {
            for (int k = 0; k < all.length && chosen == null; k++) {
                Instance i = all[Math.floorMod(next++, all.length)];
                if (i.busy < config.concurrency()) {
                    chosen = i;
                }
            }
        } else {
            for (Instance i : all) {
                if (i.busy < config.concurrency() && (chosen == null || i.busy < chosen.busy
                    || i.busy == chosen.busy && i.busy == 0 && i.idleSince < chosen.idleSince)) {
                    chosen = i;
                }
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("no free slot although " + busy + " < " + capacity);
        }
        chosen.busy++;
        busy++;
        return chosen;
    }

    /** Hands a free slot to the next waiter in turn; returns it (to be told outside the lock), or {@code null}. */
    private Waiter grantLocked() {
        if (queue.isEmpty() || busy >= capacity) {
            return null;
        }
        Waiter w = queue.poll();
        w.instance = takeLocked();
        w.state = Waiter.GRANTED;
        return w;
    }

    /**
     * Queues a waiter, or grants it a slot at once when one is free and nobody waits.
     *
     * @param evenDraining accept it while the pool drains (work already accepted, such as a batcher's next batch)
     * @param grow         asks for another instance, when a waiter has to wait and the pool may grow
     * @return {@code null} when accepted, otherwise why not ({@link WorkerPool.NotAccepting#INSTANCE}, the
     *         revocation, or {@code OVERLOADED})
     */
    RuntimeException enqueue(Waiter w, boolean evenDraining, Runnable grow) {
        boolean now = false;
        boolean growNow = false;
        synchronized (lock) {
            ModelException revoked = revokedWith;
            if (revoked != null || closed || !accepting && !evenDraining) {
                return revoked != null && evenDraining ? revoked : WorkerPool.NotAccepting.INSTANCE;
            }
            if (queue.isEmpty() && busy < capacity) {
                w.instance = takeLocked();
                w.state = Waiter.GRANTED;
                now = true;
            } else if (queue.size() >= config.queueCapacity() && !evenDraining) {
                return new ModelException(ErrorCode.OVERLOADED, modelId, "its queue is full (" + capacity
                    + " running, " + config.queueCapacity() + " waiting); try again later");
            } else {
                w.place = queue.offer(w.requester, w);
                growNow = mayGrowLocked(1) > 0;
            }
        }
        if (now) {
            w.granted();
        } else {
            w.queued();
            if (growNow) {
                grow.run();
            }
        }
        return null;
    }

    /** Takes a waiter out of the queue if it is still there (it timed out or was cancelled). */
    boolean withdraw(Waiter w) {
        synchronized (lock) {
            if (w.state != Waiter.WAITING || !queue.remove(w.place)) {
                return false;
            }
            w.state = Waiter.WITHDRAWN;
            if (busy == 0 && queue.isEmpty() && !accepting) {
                lock.notifyAll();
            }
            return true;
        }
    }

    void beginDelivery() {
        synchronized (lock) {
            delivering++;
        }
    }

    void endDelivery() {
        synchronized (lock) {
            if (--delivering == 0 && !accepting) {
                lock.notifyAll();
            }
        }
    }

    // ------------------------------------------------------------------ growing and shrinking

    /** Counts up to {@code wanted} more instances as growing (within the maximum); answers how many. */
    int mayGrow(int wanted) {
        synchronized (lock) {
            return mayGrowLocked(wanted);
        }
    }

    private int mayGrowLocked(int wanted) {
        if (!growable || closed || !accepting) {
            return 0;
        }
        int n = Math.max(0, Math.min(wanted, config.max() - instances.length - growing));
        growing += n;
        return n;
    }

    /**
     * A growing instance arrived (or {@code null}: it failed). Added while the pool still takes calls; the waiters
     * its slots can serve are granted them at once. {@code false} when it came too late and must be closed.
     */
    boolean grown(Instance instance) {
        List<Waiter> granted = new ArrayList<>();
        boolean added = false;
        synchronized (lock) {
            growing--;
            if (instance != null && !closed && accepting) {
                Instance[] more = Arrays.copyOf(instances, instances.length + 1);
                more[more.length - 1] = instance;
                instances = more;
                capacity = config.concurrency() * instances.length;
                added = true;
                for (Waiter w = grantLocked(); w != null; w = grantLocked()) {
                    granted.add(w);
                }
            }
        }
        granted.forEach(Waiter::granted);
        return added;
    }

    /** Takes out the instances idle longer than {@code idleNanos}, down to the minimum; answers them (to close). */
    List<Instance> shrink(long idleNanos) {
        List<Instance> idle = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return idle;
            }
            long now = System.nanoTime();
            List<Instance> kept = new ArrayList<>(Arrays.asList(instances));
            for (java.util.Iterator<Instance> it = kept.iterator(); it.hasNext() && kept.size() > config.min();) {
                Instance i = it.next();
                if (i.busy == 0 && now - i.idleSince > idleNanos && kept.size() > 1) {
                    it.remove();
                    idle.add(i);
                }
            }
            if (!idle.isEmpty()) {
                instances = kept.toArray(Instance[]::new);
                capacity = config.concurrency() * instances.length;
            }
        }
        return idle;
    }

    // ------------------------------------------------------------------ leaving

    /** Takes no more calls; every waiter leaves the queue and is answered (here, outside the lock) with why. */
    void revoke(ModelException reason) {
        List<Waiter> dropped;
        synchronized (lock) {
            revokedWith = reason;
            accepting = false;
            dropped = queue.clear();
            dropped.forEach(w -> w.state = Waiter.WITHDRAWN);
            lock.notifyAll();
        }
        for (Waiter w : dropped) {
            w.rejected(reason);
        }
    }

    /** Takes no new calls; those accepted still run. */
    void stopAccepting() {
        synchronized (lock) {
            accepting = false;
        }
    }

    /**
     * Waits until nothing runs, waits or is being delivered, and {@code alsoWaiting} (texts in batchers) is 0, or
     * {@code deadline} ({@link System#nanoTime()}) passes.
     *
     * @return whether everything finished
     */
    boolean awaitDrained(long deadline, IntSupplier alsoWaiting) {
        synchronized (lock) {
            while (busy > 0 || !queue.isEmpty() || delivering > 0 || alsoWaiting.getAsInt() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Closes the books: the instances to close, or {@code null} when that happened already. */
    Instance[] close() {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            closed = true;
            accepting = false;
            return instances;
        }
    }
}
