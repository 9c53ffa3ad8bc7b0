package dev.modelmanager.core.internal.exec;

/**
 * Work waiting in a {@link WorkerPool}'s queue for a slot. Its state, place and instance are guarded by the pool's
 * lock; {@link #granted()}, {@link #queued()} and {@link #rejected} are called outside it.
 */
abstract class Waiter {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int WITHDRAWN = 2;

    /**
     * Whom it waits as: waiters of one requester are served first come, first served, and requesters take turns
     * ({@link FairQueue}). Compared with {@code equals}.
     */
    final Object requester;
    /** Guarded by the pool's lock. */
    int state = WAITING;
    /** Its place in the queue while it waits; guarded by the pool's lock. */
    FairQueue.Place<Waiter> place;
    /** The instance whose slot it was given; guarded by the pool's lock until {@link #granted()}. */
    Instance instance;

    Waiter(Object requester) {
        this.requester = requester;
    }

    /** It holds a slot on {@link #instance} now and must run (and give the slot back). */
    abstract void granted();

    /** It went into the queue (was not granted at once): a waiter that can time out arms its timer now. */
    void queued() {
    }

    /** It left the queue without running (the provider left, the pool drained too long). */
    abstract void rejected(RuntimeException why);
}
