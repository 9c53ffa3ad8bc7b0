package dev.modelmanager.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The pool's queue on its own: first come, first served within a requester, round-robin between requesters, a new
 * requester last in the current round, removal anywhere in O(1), exact size, nothing left behind.
 */
class FairQueueTest {

    private static List<String> drain(FairQueue<String> q) {
        List<String> out = new ArrayList<>();
        for (String w = q.poll(); w != null; w = q.poll()) {
            out.add(w);
        }
        return out;
    }

    @Test
    void oneRequesterIsFirstComeFirstServed() {
        FairQueue<String> q = new FairQueue<>();
        for (int i = 0; i < 50; i++) {
            q.offer("a", "a" + i);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("a" + i);
        }
        assertThat(q.size()).isEqualTo(50);
        assertThat(drain(q)).containsExactlyElementsOf(expected);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
    }

    @Test
    void requestersTakeTurnsEachInItsOwnOrder() {
        FairQueue<String> q = new FairQueue<>();
        for (int i = 1; i <= 5; i++) {
            q.offer("a", "a" + i);
        }
        q.offer("b", "b1");
        q.offer("b", "b2");
        q.offer("c", "c1");
        assertThat(q.requesters()).isEqualTo(3);
        assertThat(drain(q)).containsExactly("a1", "b1", "c1", "a2", "b2", "a3", "a4", "a5");
        assertThat(q.requesters()).as("no lane is kept for requesters without waiters").isZero();
    }

    @Test
    void aNewRequesterJoinsLastInTheCurrentRound() {
        FairQueue<String> q = new FairQueue<>();
        q.offer("a", "a1");
        q.offer("a", "a2");
        q.offer("b", "b1");
        q.offer("b", "b2");
        assertThat(q.poll()).isEqualTo("a1"); // b's turn next
        q.offer("c", "c1"); // after b and a, who wait already
        assertThat(drain(q)).containsExactly("b1", "a2", "c1", "b2");
    }

    @Test
    void aRequesterThatKeepsRejoiningGetsOneTurnPerRound() {
        // A caller with one call at a time leaves the rotation whenever its call is served and comes back with the
        // next one: it must not jump ahead of the requesters that kept waiting.
        FairQueue<String> q = new FairQueue<>();
        for (int i = 1; i <= 6; i++) {
            q.offer("a", "a" + i);
            q.offer("b", "b" + i);
        }
        q.offer("s", "s1");
        List<String> served = new ArrayList<>();
        int single = 1;
        for (String w = q.poll(); w != null; w = q.poll()) {
            served.add(w);
            if (w.startsWith("s") && single < 4) {
                q.offer("s", "s" + ++single);
            }
        }
        assertThat(served).containsExactly("a1", "b1", "s1", "a2", "b2", "s2", "a3", "b3", "s3", "a4", "b4", "s4",
            "a5", "b5", "a6", "b6");
    }

    @Test
    void aWaiterIsRemovedWhereverItIsAndOnlyOnce() {
        FairQueue<String> q = new FairQueue<>();
        FairQueue.Place<String> a1 = q.offer("a", "a1");
        FairQueue.Place<String> a2 = q.offer("a", "a2");
        FairQueue.Place<String> a3 = q.offer("a", "a3");
        FairQueue.Place<String> b1 = q.offer("b", "b1");
        FairQueue.Place<String> c1 = q.offer("c", "c1");
        q.offer("c", "c2");

        assertThat(q.remove(a2)).as("from the middle").isTrue();
        assertThat(q.remove(a2)).as("only once").isFalse();
        assertThat(a2.queued()).isFalse();
        assertThat(q.remove(b1)).as("b's only waiter: b leaves the rotation").isTrue();
        assertThat(q.requesters()).isEqualTo(2);
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.poll()).isEqualTo("a1");
        assertThat(q.remove(a1)).as("already served").isFalse();
        assertThat(q.remove(c1)).as("the head of the lane whose turn it is").isTrue();
        assertThat(drain(q)).containsExactly("c2", "a3");
        assertThat(a3.queued()).isFalse();
        assertThat(q.remove(null)).isFalse();
    }

    @Test
    void removingTheLaneWhoseTurnItIsPassesTheTurnOn() {
        FairQueue<String> q = new FairQueue<>();
        q.offer("a", "a1");
        q.offer("a", "a2");
        FairQueue.Place<String> b1 = q.offer("b", "b1");
        q.offer("c", "c1");
        assertThat(q.poll()).isEqualTo("a1"); // b's turn
        q.remove(b1);
        assertThat(drain(q)).containsExactly("c1", "a2");
    }

    @Test
    void clearAnswersEveryWaiterInTurnOrderAndLeavesItEmpty() {
        FairQueue<String> q = new FairQueue<>();
        q.offer("a", "a1");
        q.offer("a", "a2");
        q.offer("b", "b1");
        assertThat(q.clear()).containsExactly("a1", "b1", "a2");
        assertThat(q.size()).isZero();
        assertThat(q.requesters()).isZero();
        q.offer("b", "b2");
        assertThat(q.poll()).isEqualTo("b2");
    }

    @Test
    void requestersAreComparedWithEqualsAndMustBeGiven() {
        FairQueue<String> q = new FairQueue<>();
        q.offer(new String("rest/10.0.0.1"), "x1");
        q.offer(new String("rest/10.0.0.1"), "x2");
        assertThat(q.requesters()).isEqualTo(1);
        assertThatThrownBy(() -> q.offer(null, "y")).isInstanceOf(NullPointerException.class);
        assertThat(q.size()).isEqualTo(2);
    }

    /** Against a model (a list per requester and a rotation list), random offers, polls and removals agree. */
    @Test
    void randomOperationsMatchASimpleModel() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        FairQueue<String> q = new FairQueue<>();
        Map<String, List<String>> lanes = new HashMap<>();
        List<String> rotation = new ArrayList<>(); // requesters with waiters, whose turn is first
        Map<String, FairQueue.Place<String>> places = new HashMap<>();
        int made = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            if (op < 5) {
                String requester = "r" + random.nextInt(6);
                String waiter = requester + ":" + made++;
                places.put(waiter, q.offer(requester, waiter));
                if (lanes.computeIfAbsent(requester, r -> new ArrayList<>()).isEmpty()) {
                    rotation.add(requester); // last in the round
                }
                lanes.get(requester).add(waiter);
            } else if (op < 8) {
                String expected = null;
                if (!rotation.isEmpty()) {
                    String requester = rotation.remove(0);
                    expected = lanes.get(requester).remove(0);
                    if (!lanes.get(requester).isEmpty()) {
                        rotation.add(requester);
                    }
                }
                assertThat(q.poll()).as("seed %d, step %d", seed, step).isEqualTo(expected);
            } else if (!places.isEmpty()) {
                String waiter = List.copyOf(places.keySet()).get(random.nextInt(places.size()));
                String requester = waiter.substring(0, waiter.indexOf(':'));
                boolean waits = lanes.getOrDefault(requester, List.of()).remove(waiter);
                if (waits && lanes.get(requester).isEmpty()) {
                    rotation.remove(requester);
                }
                assertThat(q.remove(places.remove(waiter))).as("seed %d, step %d", seed, step).isEqualTo(waits);
            }
            assertThat(q.size()).as("seed %d", seed).isEqualTo(lanes.values().stream().mapToInt(List::size).sum());
            assertThat(q.requesters()).as("seed %d", seed).isEqualTo(rotation.size());
        }
    }
}
