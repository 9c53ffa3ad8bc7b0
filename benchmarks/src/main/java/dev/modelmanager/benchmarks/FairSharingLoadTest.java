package dev.modelmanager.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.djl.internal.DjlProvider;

/**
 * Sharing one model fairly: 8 clients embed one sentence per call with all-MiniLM-L6-v2 (int8, the distribution's
 * model) through the manager and the djl provider, first alone (the baseline), then while a bulk client embeds
 * 100,000 sentences (in calls of {@code limits.inputs.per.call} texts). Reports the small calls' p50/p99 latency in
 * both phases, their ratio (target: p99 ≤ 5× quiet), refusals (target: none) and the bulk client's rate.
 */
public final class FairSharingLoadTest {
    private static final int CLIENTS = 8;

    private FairSharingLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        int bulkTexts = smoke ? 2_000 : Integer.getInteger("bulk.texts", 100_000);
        Duration quiet = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new DjlProvider(Runtime.getRuntime().availableProcessors(), 1, 8192, 32, 1024, 2),
            Map.of("service.id", 1L));
        DjlEmbeddingLoadTest.register(manager, "q", "all-minilm-l6-v2-q");
        List<String> sentences = DjlEmbeddingLoadTest.sentences(bulkTexts + 200_000);
        List<String> small = sentences.subList(bulkTexts, sentences.size());
        List<String> bulk = sentences.subList(0, bulkTexts);
        small.subList(0, 100).forEach(t -> manager.embed("q", List.of(t))); // warm up

        Phase alone = smallCalls(manager, small, 0, () -> sleep(quiet));
        int perCall = ManagerSettings.DEFAULTS.limits().inputsPerCall();
        long[] bulkNanos = new long[1];
        Phase shared = smallCalls(manager, small, small.size() / 2, () -> {
            long t0 = System.nanoTime();
            for (int from = 0; from < bulk.size(); from += perCall) {
                manager.embed("q", bulk.subList(from, Math.min(bulk.size(), from + perCall)));
            }
            bulkNanos[0] = System.nanoTime() - t0;
        });
        System.out.printf(Locale.ROOT, "%nFair sharing: %d clients, one sentence per call, all-MiniLM-L6-v2 int8 (ms)%n",
            CLIENTS);
        System.out.printf(Locale.ROOT, "  %-44s %8s %8s %8s %8s%n", "", "calls", "p50", "p99", "refused");
        alone.print("alone (baseline)");
        shared.print("while one client embeds " + bulkTexts + " sentences");
        System.out.printf(Locale.ROOT, "  p99 while sharing / alone: %.2fx (target <= 5x); bulk client: %.0f sentences/s%n",
            shared.p99() / alone.p99(), bulkTexts / (bulkNanos[0] / 1e9));
        manager.close();
        System.exit(0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The small clients' latencies while {@code during} runs on this thread. */
    private static Phase smallCalls(ModelManagerImpl manager, List<String> texts, int offset, Runnable during)
        throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger(offset);
        AtomicInteger refused = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    String text = texts.get(next.getAndIncrement() % texts.size());
                    long t0 = System.nanoTime();
                    try {
                        manager.embed("q", List.of(text));
                        latencies.add(System.nanoTime() - t0);
                    } catch (ModelException e) {
                        if (e.code() == ErrorCode.OVERLOADED) {
                            refused.incrementAndGet();
                        } else {
                            throw e;
                        }
                    }
                }
            }, "client-" + c);
            clients.add(t);
            t.start();
        }
        during.run();
        stop.set(true);
        for (Thread t : clients) {
            t.join();
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Phase(sorted, refused.get());
    }

    private record Phase(List<Long> sorted, int refused) {
        double percentile(double p) {
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
        }

        double p99() {
            return percentile(0.99);
        }

        void print(String name) {
            System.out.printf(Locale.ROOT, "  %-44s %8d %8.1f %8.1f %8d%n", name, sorted.size(), percentile(0.5), p99(),
                refused);
        }
    }
}
