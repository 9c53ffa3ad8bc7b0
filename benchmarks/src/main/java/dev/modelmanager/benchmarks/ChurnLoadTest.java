package dev.modelmanager.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Routing under churn: the latency of calls to a loaded model (4 callers, one text each, cache off) while nothing
 * else happens (the baseline) and while another model is registered, loaded, unloaded and released in a tight
 * loop (its load takes 5 ms in the provider). Prints p50 and p99 of both and their ratios: a manager whose
 * lifecycle work leaks into the request path shows it here.
 */
public final class ChurnLoadTest {
    private static final int CALLERS = 4;

    private ChurnLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        Duration phase = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
        TestModelProvider provider = new TestModelProvider();
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(provider, Map.of("service.id", 1L));
        manager.register("steady", ModelRequirement.builder(ModelType.EMBEDDING, "bench/steady").dimension(384)
            .cacheEmbeddings(false).build(), "benchmark");
        manager.load("steady", Duration.ofSeconds(30));
        ModelRequirement churning = ModelRequirement.builder(ModelType.TEXT_GENERATION, "bench/churn")
            .option(TestModelProvider.LOAD_DELAY_MS, "5").build();
        try {
            run(manager, phase, null); // warm-up
            long[] baseline = run(manager, phase, null);
            AtomicLong cycles = new AtomicLong();
            long[] churn = run(manager, phase, () -> {
                manager.register("churn", churning, "benchmark");
                manager.load("churn", Duration.ofSeconds(30));
                manager.unload("churn");
                manager.release("churn", "benchmark");
                cycles.incrementAndGet();
            });
            System.out.printf(Locale.ROOT, "%nRouting under churn (%d callers, %s per phase; %d load/unload cycles "
                + "of another model during the churn phase)%n", CALLERS, phase, cycles.get());
            System.out.printf(Locale.ROOT, "  %-28s %10s %10s %10s%n", "", "calls", "p50 µs", "p99 µs");
            print("quiet (baseline)", baseline);
            print("another model churning", churn);
            System.out.printf(Locale.ROOT, "  ratio churn/quiet: p50 %.2fx, p99 %.2fx%n",
                percentile(churn, 0.50) / percentile(baseline, 0.50), percentile(churn, 0.99) / percentile(baseline, 0.99));
        } finally {
            manager.close();
        }
    }

    private static void print(String name, long[] latencies) {
        System.out.printf(Locale.ROOT, "  %-28s %10d %10.1f %10.1f%n", name, latencies.length,
            percentile(latencies, 0.50) / 1e3, percentile(latencies, 0.99) / 1e3);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    /** Calls 'steady' from {@link #CALLERS} threads for the phase, with {@code background} looping meanwhile. */
    private static long[] run(ModelManagerImpl manager, Duration phase, Runnable background) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < CALLERS; t++) {
            long[][] holder = new long[1][];
            int id = t;
            Thread thread = new Thread(() -> {
                long[] buffer = new long[1 << 16];
                int n = 0;
                await(start);
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    manager.embed("steady", List.of("caller " + id + " asks about the weather, call " + n));
                    long took = System.nanoTime() - t0;
                    if (n == buffer.length) {
                        buffer = Arrays.copyOf(buffer, n * 2);
                    }
                    buffer[n++] = took;
                }
                holder[0] = Arrays.copyOf(buffer, n);
            });
            threads.add(thread);
            holderRefs.add(holder);
            thread.start();
        }
        Thread churner = null;
        if (background != null) {
            churner = new Thread(() -> {
                await(start);
                while (!stop.get()) {
                    background.run();
                }
            });
            churner.start();
        }
        start.countDown();
        Thread.sleep(phase.toMillis());
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        if (churner != null) {
            churner.join();
        }
        long[] all = holderRefs.stream().flatMapToLong(h -> Arrays.stream(h[0])).sorted().toArray();
        holderRefs.clear();
        return all;
    }

    private static final List<long[][]> holderRefs = new ArrayList<>();

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
