package dev.modelmanager.core.internal.exec;

/**
 * Work waiting in a {@link WorkerPool}'s queue for a slot. Its state and instance are guarded by the pool's lock;
 * {@link #granted()}, {@link #queued()} and {@link #rejected} are called outside it.
 */
abstract class Waiter {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int WITHDRAWN = 2;

    /** Guarded by the pool's lock. */
    int state = WAITING;
    /** The instance whose slot it was given; guarded by the pool's lock until {@link #granted()}. */
    Instance instance;

    /** It holds a slot on {@link #instance} now and must run (and give the slot back). */
    abstract void granted();

    /** It went into the queue (was not granted at once): a waiter that can time out arms its timer now. */
    void queued() {
    }

    /** It left the queue without running (the provider left, the pool drained too long). */
    abstract void rejected(RuntimeException why);
}
