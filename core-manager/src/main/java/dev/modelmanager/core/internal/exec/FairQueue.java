package dev.modelmanager.core.internal.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Waiters taking turns by requester: first come, first served within one requester, round-robin between the
 * requesters that have waiters. Each requester with waiters is a lane in a ring; {@link #poll()} takes the oldest
 * waiter of the lane whose turn it is and moves the turn on to the next lane, so a requester with 50 waiters gets
 * one slot per round like one with a single waiter. A requester whose first waiter arrives joins the ring last in
 * the current round (just before the lane whose turn is next): it waits at most one turn of every other requester,
 * and one that keeps leaving and rejoining (a caller with one call at a time) cannot jump ahead of the others. With
 * one requester it is exactly one FIFO queue.
 *
 * <p>Every operation is O(1): lanes are found by hash, waiters and lanes are linked lists, and {@link #offer}
 * answers the waiter's {@link Place}, which {@link #remove} takes out (a waiter that timed out or was cancelled).
 * A lane exists only while it has waiters, so requesters that come and go leave nothing behind. Pure state, not
 * thread-safe: its owner ({@link Slots}) guards it with its lock.
 *
 * @param <W> what waits
 */
final class FairQueue<W> {
    /** A waiter's place in the queue: the handle {@link #remove} takes. */
    static final class Place<W> {
        private final W waiter;
        private Lane<W> lane;
        private Place<W> prev;
        private Place<W> next;

        private Place(W waiter, Lane<W> lane) {
            this.waiter = waiter;
            this.lane = lane;
        }

        W waiter() {
            return waiter;
        }

        /** Whether it still waits (neither polled nor removed). */
        boolean queued() {
            return lane != null;
        }
    }

    /** One requester's waiters, oldest first, and its neighbours in the ring. */
    private static final class Lane<W> {
        private final Object requester;
        private Place<W> head;
        private Place<W> tail;
        private Lane<W> prev;
        private Lane<W> next;

        private Lane(Object requester) {
            this.requester = requester;
        }
    }

    private final Map<Object, Lane<W>> lanes = new HashMap<>();
    /** The lane whose turn is next; {@code null} when nothing waits. */
    private Lane<W> turn;
    private int size;

    /** Waiters, over all requesters. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Requesters with waiters. */
    int requesters() {
        return lanes.size();
    }

    /** Queues a waiter behind its requester's others; answers its place (for {@link #remove}). */
    Place<W> offer(Object requester, W waiter) {
        Objects.requireNonNull(requester, "requester");
        Lane<W> lane = lanes.get(requester);
        if (lane == null) {
            lane = new Lane<>(requester);
            lanes.put(requester, lane);
            joinRing(lane);
        }
        Place<W> place = new Place<>(waiter, lane);
        if (lane.tail == null) {
            lane.head = place;
        } else {
            lane.tail.next = place;
            place.prev = lane.tail;
        }
        lane.tail = place;
        size++;
        return place;
    }

    /** The oldest waiter of the requester whose turn it is, taken out; the turn passes on. {@code null} when empty. */
    W poll() {
        Lane<W> lane = turn;
        if (lane == null) {
            return null;
        }
        Place<W> place = lane.head;
        turn = lane.next;
        unlink(place);
        return place.waiter;
    }

    /** Takes a waiter out wherever it is; {@code false} when it no longer waits (polled or removed already). */
    boolean remove(Place<W> place) {
        if (place == null || place.lane == null) {
            return false;
        }
        unlink(place);
        return true;
    }

    /** Takes every waiter out; answers them in the order they would have been served. */
    List<W> clear() {
        List<W> all = new ArrayList<>(size);
        for (W w = poll(); w != null; w = poll()) {
            all.add(w);
        }
        return all;
    }

    private void unlink(Place<W> place) {
        Lane<W> lane = place.lane;
        if (place.prev == null) {
            lane.head = place.next;
        } else {
            place.prev.next = place.next;
        }
        if (place.next == null) {
            lane.tail = place.prev;
        } else {
            place.next.prev = place.prev;
        }
        place.prev = null;
        place.next = null;
        place.lane = null;
        size--;
        if (lane.head == null) {
            leaveRing(lane);
        }
    }

    /** A new lane goes last in the current round: just before the lane whose turn is next. */
    private void joinRing(Lane<W> lane) {
        if (turn == null) {
            lane.prev = lane;
            lane.next = lane;
            turn = lane;
            return;
        }
        Lane<W> last = turn.prev;
        last.next = lane;
        lane.prev = last;
        lane.next = turn;
        turn.prev = lane;
    }

    private void leaveRing(Lane<W> lane) {
        lanes.remove(lane.requester);
        if (lane.next == lane) {
            turn = null;
        } else {
            lane.prev.next = lane.next;
            lane.next.prev = lane.prev;
            if (turn == lane) {
                turn = lane.next;
            }
        }
        lane.prev = null;
        lane.next = null;
    }
}
