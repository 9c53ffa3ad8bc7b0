package dev.modelmanager.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Micro-batching gain: 16 concurrent callers, one text per call, against one embedding model, with batching off
 * (the baseline) and on, in one run. Two models: the test provider's feature-hashing embedder as it is (CPU work per
 * text, no fixed cost per call) and the same with a fixed 2 ms per provider call (what an accelerator's kernel
 * launch or a remote round trip costs). Prints texts per second and the ratio on/off.
 */
public final class BatchingLoadTest {
    private static final int CALLERS = 16;

    private BatchingLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        Duration phase = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(8);
        System.out.printf(Locale.ROOT, "%nMicro-batching (%d concurrent callers, one text per call, %s per run; texts/s)%n",
            CALLERS, phase);
        System.out.printf(Locale.ROOT, "  %-34s %12s %12s %8s%n", "model", "batching off", "batching on", "ratio");
        for (String delay : List.of("0", "2")) {
            double off = run(false, delay, phase);
            double on = run(true, delay, phase);
            System.out.printf(Locale.ROOT, "  %-34s %12.0f %12.0f %7.2fx%n",
                delay.equals("0") ? "no fixed cost per call" : "fixed " + delay + " ms per provider call", off, on, on / off);
        }
    }

    private static double run(boolean batching, String batchDelayMs, Duration phase) throws Exception {
        TestModelProvider provider = new TestModelProvider();
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withMicroBatching(batching));
        try {
            manager.bindProvider(provider, Map.of("service.id", 1L));
            manager.register("docs", ModelRequirement.builder(ModelType.EMBEDDING, "bench/docs").dimension(384)
                .cacheEmbeddings(false).batchSize(32).option(TestModelProvider.BATCH_DELAY_MS, batchDelayMs).build(),
                "benchmark");
            manager.load("docs", Duration.ofSeconds(30));
            measure(manager, Duration.ofMillis(300)); // warm-up
            return measure(manager, phase) / (phase.toNanos() / 1e9);
        } finally {
            manager.close();
        }
    }

    private static long measure(ModelManagerImpl manager, Duration phase) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder texts = new LongAdder();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CALLERS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0;
                while (!stop.get()) {
                    manager.embed("docs", List.of("caller " + id + " sentence " + n++ + " about the weather today"));
                    texts.increment();
                }
            });
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        Thread.sleep(phase.toMillis());
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        return texts.sum();
    }
}
