package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelException;

/** The thread budget: how runs are laid out and how many run at once, without a model (the tasks stand for runs). */
class OrtRuntimeTest {
    private static final long MB = 1L << 20;
    private final OrtRuntime runtime = new OrtRuntime(new OrtRuntime.Settings(4, 1, 2, 8192, 32, 100 * MB, 2));

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void layoutFollowsTheSettings() {
        assertThat(runtime.threadsPerRun("cpu", true)).isEqualTo(1);
        assertThat(runtime.threadsPerRun("cpu", false)).isEqualTo(1);
        assertThat(runtime.wideThreads("cpu")).isEqualTo(4);
        assertThat(runtime.wideSessionToo("cpu", 1, 90 * MB)).isTrue();
        assertThat(runtime.wideSessionToo("cpu", 1, 101 * MB)).as("too big for a second copy").isFalse();
        assertThat(runtime.wideSessionToo("cpu", 4, 1 * MB)).as("already as wide as the budget").isFalse();
        assertThat(runtime.wideSessionToo("cuda:0", 1, 1 * MB)).isFalse();
        // 4 cores, 2 single-threaded runs a core; a 4-thread run holds all 8 permits
        assertThat(runtime.runsAtOnce("cpu", 1)).isEqualTo(8);
        assertThat(runtime.runsAtOnce("cpu", 4)).isEqualTo(1);
        assertThat(runtime.runsAtOnce("cpu", 2)).isEqualTo(2);
        assertThat(runtime.runsAtOnce("cuda:0", 1)).isEqualTo(2);
        OrtRuntime wide = new OrtRuntime(new OrtRuntime.Settings(4, 0, 2, 8192, 32, 0, 1));
        assertThat(wide.threadsPerRun("cpu", false)).as("0: the whole budget").isEqualTo(4);
        assertThat(wide.threadsPerRun("cpu", true)).as("models that run each text alone").isEqualTo(1);
        wide.close();
        assertThatThrownBy(() -> new OrtRuntime.Settings(0, 1, 2, 8192, 32, 0, 1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLoneCallRunsWideAndCallsTogetherRunNarrow() throws Exception {
        List<Boolean> lone = runtime.call("cpu", () -> runtime.runAll("cpu", 1, true, List.of(wide -> wide)));
        assertThat(lone).containsExactly(true);
        assertThat(runtime.runAll("cpu", 1, false, List.of(wide -> wide))).as("no wide session").containsExactly(false);
        assertThat(runtime.call("cpu", () -> runtime.runAll("cpu", 1, true, List.<OrtRuntime.Task<Boolean>>of(w -> w,
            w -> w)))).as("a call of several runs spreads them").containsExactly(false, false);

        // a second call in flight: the first one's run is narrow
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        Future<?> second = other.submit(() -> runtime.call("cpu", () -> {
            inFlight.countDown();
            await(release);
            return null;
        }));
        inFlight.await(10, TimeUnit.SECONDS);
        assertThat(runtime.call("cpu", () -> runtime.runAll("cpu", 1, true, List.of(wide -> wide)))).containsExactly(false);
        release.countDown();
        second.get(10, TimeUnit.SECONDS);
        other.shutdown();
    }

    @Test
    void runsNeverExceedTheBudgetAndResultsKeepTheirOrder() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        List<Future<List<Integer>>> calls = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            List<OrtRuntime.Task<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                int value = c * 10 + t;
                tasks.add(wide -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(5);
                    running.decrementAndGet();
                    return value;
                });
            }
            calls.add(callers.submit(() -> runtime.call("cpu", () -> runtime.runAll("cpu", 2, true, tasks))));
        }
        for (int c = 0; c < calls.size(); c++) {
            assertThat(calls.get(c).get(30, TimeUnit.SECONDS)).containsExactly(c * 10, c * 10 + 1, c * 10 + 2,
                c * 10 + 3, c * 10 + 4);
        }
        callers.shutdown();
        assertThat(most.get()).as("2-thread runs on 4 cores").isLessThanOrEqualTo(2).isGreaterThanOrEqualTo(1);
    }

    @Test
    void wideRunsGetTheirPermitsWhileSingleRunsKeepTheDeviceBusy() throws Exception {
        // 4 cores x 2: single-threaded runs hold 1 permit each, 4-thread runs all 8; the permits are not handed out
        // in order, so the wide runs must not be starved by single runs barging past them, nor two wide runs deadlock
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        List<Future<?>> singles = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            singles.add(threads.submit(() -> {
                while (!stop.get()) {
                    runtime.runAll("cpu", 1, false, List.of(wide -> {
                        most.accumulateAndGet(held.addAndGet(1), Math::max);
                        Thread.sleep(1);
                        held.addAndGet(-1);
                        return 0;
                    }));
                }
                return null;
            }));
        }
        List<Future<List<Integer>>> wides = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            wides.add(threads.submit(() -> {
                List<Integer> done = new ArrayList<>();
                for (int r = 0; r < 20; r++) {
                    done.addAll(runtime.runAll("cpu", 4, false, List.of(wide -> {
                        most.accumulateAndGet(held.addAndGet(8), Math::max);
                        Thread.sleep(1);
                        held.addAndGet(-8);
                        return 1;
                    })));
                }
                return done;
            }));
        }
        try {
            for (Future<List<Integer>> w : wides) {
                assertThat(w.get(30, TimeUnit.SECONDS)).as("every wide run ran").hasSize(20);
            }
        } finally {
            stop.set(true);
        }
        for (Future<?> f : singles) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(most.get()).as("never more permits held than the budget has").isLessThanOrEqualTo(8);
        assertThat(runtime.call("cpu", () -> runtime.runAll("cpu", 1, true, List.of(wide -> wide))))
            .as("every permit came back").containsExactly(true);
    }

    @Test
    void aFailingRunFailsItsCallAndLeavesTheBudgetWhole() {
        List<OrtRuntime.Task<Integer>> tasks = new ArrayList<>(Collections.nCopies(3, wide -> 1));
        tasks.set(1, wide -> {
            throw new IllegalStateException("kernel failed");
        });
        assertThatThrownBy(() -> runtime.runAll("cpu", 1, false, tasks)).isInstanceOf(IllegalStateException.class)
            .hasMessage("kernel failed");
        assertThat(runtime.call("cpu", () -> runtime.runAll("cpu", 1, true, List.of(wide -> wide))))
            .as("every permit came back").containsExactly(true);
        runtime.close();
        assertThatThrownBy(() -> runtime.runAll("cpu", 1, false, List.of(wide -> 1))).isInstanceOf(ModelException.class)
            .hasMessageContaining("stopped");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
