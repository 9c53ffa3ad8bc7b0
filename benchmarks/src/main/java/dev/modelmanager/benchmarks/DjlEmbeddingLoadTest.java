package dev.modelmanager.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.djl.internal.DjlProvider;

/**
 * Sentence embeddings with all-MiniLM-L6-v2 (int8 and fp32, from their Maven jars), each way against its baseline in
 * the same run: a raw ONNX Runtime session with default options ({@link RawOnnx}); the manager with the djl provider;
 * LangChain4j's own models.
 * <ol>
 * <li>int8, one sentence per call, 1 and 8 callers;</li>
 * <li>fp32, 16 callers one sentence each: the manager's micro-batching against the raw session called one text at
 * a time (by one thread, and by the 16), with the vectors checked against the raw ones;</li>
 * <li>fp32, all sentences in one call (bulk) against LangChain4j's {@code embedAll};</li>
 * <li>two models called at once: each one's share of its rate alone, summed (1.0 = no loss to oversubscription).</li>
 * </ol>
 */
public final class DjlEmbeddingLoadTest {
    private DjlEmbeddingLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        int count = smoke ? 64 : 1000;
        long millis = smoke ? 300 : 3000;
        List<String> sentences = sentences(count);
        Path dir = Files.createTempDirectory("minilm");
        // The manager's models load first: DJL's engine (older provider builds) cannot start once another ONNX
        // Runtime environment exists.
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        // -Dthreads.per.run, -Dwide.session.max.mb, -Druns.per.core: the provider's settings of those names
        int perRun = Integer.getInteger("threads.per.run", 1);
        int wideMax = Integer.getInteger("wide.session.max.mb", 1024);
        int runsPerCore = Integer.getInteger("runs.per.core", 2);
        manager.bindProvider(new DjlProvider(Runtime.getRuntime().availableProcessors(), perRun, 8192, 32, wideMax,
            runsPerCore), Map.of("service.id", 1L));
        register(manager, "q", "all-minilm-l6-v2-q");
        register(manager, "fp32", "all-minilm-l6-v2");
        RawOnnx rawQ = new RawOnnx("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", dir);
        RawOnnx rawF = new RawOnnx("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", dir);
        AllMiniLmL6V2QuantizedEmbeddingModel langchainQ = new AllMiniLmL6V2QuantizedEmbeddingModel();
        AllMiniLmL6V2EmbeddingModel langchainF = new AllMiniLmL6V2EmbeddingModel();

        Consumer<String> raw = rawQ::embed;
        Consumer<String> viaManager = text -> manager.embed("q", List.of(text));
        Consumer<String> viaLangChain = langchainQ::embed;
        Consumer<String> rawFp32 = rawF::embed;
        Consumer<String> managerFp32 = text -> manager.embed("fp32", List.of(text));
        for (Consumer<String> warm : List.of(raw, viaManager, viaLangChain, rawFp32, managerFp32)) {
            sentences.subList(0, Math.min(50, count)).forEach(warm);
        }

        String only = System.getProperty("sections", "1234");
        if (only.contains("1")) {
            section1(sentences, millis, raw, viaManager, viaLangChain);
        }
        if (only.contains("2")) {
            section2(manager, rawF, sentences, count, millis, rawFp32, managerFp32);
        }
        if (only.contains("3")) {
            section3(manager, langchainF, sentences, count);
        }
        if (only.contains("4")) {
            System.out.println();
            System.out.println("4. two models at once, 8 callers each: rate together / rate alone, summed (1.0 = no loss)");
            twoAtOnce("manager (int8 + fp32 MiniLM)", viaManager, managerFp32, sentences, millis);
            twoAtOnce("raw sessions, default options", raw, rawFp32, sentences, millis);
        }
        manager.close();
        rawQ.close();
        rawF.close();
        try (var files = Files.list(dir)) { // the extracted models (~115 MB)
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
        System.exit(0);
    }

    private static void section1(List<String> sentences, long millis, Consumer<String> raw, Consumer<String> viaManager,
                                 Consumer<String> viaLangChain) {
        System.out.println();
        System.out.println("1. all-MiniLM-L6-v2 int8, one sentence per call (sentences/s; ratio to the raw session)");
        System.out.printf(Locale.ROOT, "%-38s %16s %16s%n", "", "1 caller", "8 callers");
        List<Consumer<String>> ways = List.of(raw, viaManager, viaLangChain);
        double[] one = rates(ways, sentences, 1, millis);
        double[] eight = rates(ways, sentences, 8, millis);
        double[] base = {one[0], eight[0]};
        double[] managed = {one[1], eight[1]};
        double[] langchain = {one[2], eight[2]};
        row("raw ONNX Runtime session (baseline)", base, base);
        row("manager + djl provider", managed, base);
        row("LangChain4j", langchain, base);
        System.out.printf(Locale.ROOT, "   manager / LangChain4j at 8 callers: %.2fx%n", managed[1] / langchain[1]);
    }

    private static void section2(ModelManagerImpl manager, RawOnnx rawF, List<String> sentences, int count, long millis,
                                 Consumer<String> rawFp32, Consumer<String> managerFp32) throws Exception {
        System.out.println();
        System.out.println("2. all-MiniLM-L6-v2 fp32, 16 callers, one sentence each (sentences/s)");
        double[] sixteen = rates(List.of(rawFp32, managerFp32), sentences, 16, millis);
        double[] single = rates(List.of(rawFp32, managerFp32), sentences, 1, millis);
        double rawOne = single[0];
        double raw16 = sixteen[0];
        double manager16 = sixteen[1];
        System.out.printf(Locale.ROOT, "   raw session, one text at a time by 1 thread (baseline) %7.0f%n", rawOne);
        System.out.printf(Locale.ROOT, "   raw session, one text at a time by 16 threads          %7.0f  %5.2fx%n", raw16,
            raw16 / rawOne);
        System.out.printf(Locale.ROOT, "   manager, micro-batched                                 %7.0f  %5.2fx  (%.2fx the 16 threads)%n",
            manager16, manager16 / rawOne, manager16 / raw16);
        double managerOne = single[1];
        System.out.printf(Locale.ROOT, "   a lone caller: manager %.0f, raw session %.0f: %.2fx%n", managerOne, rawOne,
            managerOne / rawOne);
        System.out.printf(Locale.ROOT, "   lowest cosine to the raw session's vectors, 16 callers: %.6f%n",
            lowestCosine(manager, rawF, sentences.subList(0, Math.min(200, count))));
    }

    private static void section3(ModelManagerImpl manager, AllMiniLmL6V2EmbeddingModel langchainF, List<String> sentences,
                                 int count) {
        System.out.println();
        System.out.println("3. all-MiniLM-L6-v2 fp32, " + count + " sentences in one call (sentences/s)");
        List<TextSegment> segments = sentences.stream().map(TextSegment::from).toList();
        langchainF.embedAll(segments.subList(0, Math.min(50, count)));
        manager.embed("fp32", sentences.subList(0, Math.min(50, count)));
        double lcBulk = bulk(() -> langchainF.embedAll(segments), count);
        double managerBulk = bulk(() -> manager.embed("fp32", sentences), count);
        System.out.printf(Locale.ROOT, "   LangChain4j embedAll (baseline) %7.0f%n", lcBulk);
        System.out.printf(Locale.ROOT, "   manager embed                   %7.0f  %5.2fx%n", managerBulk, managerBulk / lcBulk);
    }

    static void register(ModelManagerImpl manager, String id, String file) {
        manager.register(id, ModelRequirement.builder(ModelType.EMBEDDING, file).dimension(384).maxInputLength(256)
            .cacheEmbeddings(false).source(new ModelSource.Classpath(null, List.of("onnx/model.onnx=" + file + ".onnx",
                "tokenizer.json=" + file + "-tokenizer.json"))).build(), "load-test");
        manager.load(id, Duration.ofSeconds(120));
    }

    private static void row(String name, double[] rates, double[] base) {
        System.out.printf(Locale.ROOT, "%-38s %8.0f %5.2fx %8.0f %5.2fx%n", name, rates[0], rates[0] / base[0], rates[1],
            rates[1] / base[1]);
    }

    private static void twoAtOnce(String name, Consumer<String> a, Consumer<String> b, List<String> sentences,
                                  long millis) throws Exception {
        double[] alone = rates(List.of(a, b), sentences, 8, millis);
        double aloneA = alone[0];
        double aloneB = alone[1];
        double[] togetherAs = new double[ROUNDS];
        double[] togetherBs = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            CompletableFuture<Double> both = CompletableFuture.supplyAsync(() -> rate(a, sentences, 8, millis));
            togetherBs[r] = rate(b, sentences, 8, millis);
            togetherAs[r] = both.get();
        }
        double togetherA = median(togetherAs);
        double togetherB = median(togetherBs);
        System.out.printf(Locale.ROOT, "   %-32s int8 %5.0f -> %5.0f, fp32 %5.0f -> %5.0f: %.2f%n", name, aloneA,
            togetherA, aloneB, togetherB, togetherA / aloneA + togetherB / aloneB);
    }

    /** Rounds of each measure; each figure is the median of its rounds, the contenders taking turns. */
    private static final int ROUNDS = Integer.getInteger("rounds", 3);

    /**
     * The rate of each way, measured in {@link #ROUNDS} rounds in which the ways take turns (so that a slow phase of
     * the machine, or warming up, does not fall on one of them), as the median of its rounds.
     */
    static double[] rates(List<Consumer<String>> ways, List<String> sentences, int callers, long millis) {
        double[][] measured = new double[ways.size()][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int w = 0; w < ways.size(); w++) {
                measured[w][r] = rate(ways.get(w), sentences, callers, millis);
            }
        }
        double[] out = new double[ways.size()];
        for (int w = 0; w < ways.size(); w++) {
            out[w] = median(measured[w]);
            if (Boolean.getBoolean("verbose")) {
                System.out.println("   rounds: " + java.util.Arrays.toString(measured[w]));
            }
        }
        return out;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** Sentences per second from {@code callers} threads embedding one sentence per call for {@code millis}. */
    static double rate(Consumer<String> embed, List<String> sentences, int callers, long millis) {
        return rate(i -> {
            embed.accept(sentences.get(i));
            return 1;
        }, sentences.size(), callers, millis);
    }

    /** Work on the items at and after one position; answers how many it did. */
    @FunctionalInterface
    interface Step {
        int run(int position) throws Exception;
    }

    /**
     * Items per second from {@code callers} threads for {@code millis}, each starting at its share of {@code size}
     * items and stepping on (round the end) by what each {@code step} did.
     */
    static double rate(Step step, int size, int callers, long millis) {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            AtomicLong done = new AtomicLong();
            long start = System.nanoTime();
            long end = start + millis * 1_000_000;
            List<Future<?>> parts = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int first = c * size / callers;
                parts.add(pool.submit(() -> {
                    for (int i = first; System.nanoTime() < end; ) {
                        int n = step.run(i);
                        done.addAndGet(n);
                        i = (i + n) % size;
                    }
                    return null;
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
            return done.get() / ((System.nanoTime() - start) / 1e9);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double bulk(Runnable call, int count) {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            call.run();
            best = Math.max(best, count / ((System.nanoTime() - start) / 1e9));
        }
        return best;
    }

    /** The lowest cosine between the manager's vectors (16 callers at once, batched) and the raw session's. */
    private static double lowestCosine(ModelManagerImpl manager, RawOnnx raw, List<String> sentences) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<float[]>> vectors = new ArrayList<>();
            for (String s : sentences) {
                vectors.add(pool.submit(() -> manager.embed("fp32", List.of(s)).vectors().get(0)));
            }
            double lowest = 1;
            for (int i = 0; i < sentences.size(); i++) {
                float[] a = vectors.get(i).get();
                float[] b = raw.embed(sentences.get(i));
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int k = 0; k < a.length; k++) {
                    dot += a[k] * b[k];
                    na += a[k] * a[k];
                    nb += b[k] * b[k];
                }
                lowest = Math.min(lowest, dot / Math.sqrt(na * nb));
            }
            return lowest;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Distinct, ordinary sentences of varied length. */
    static List<String> sentences(int count) {
        String[] subjects = {"The cat", "A young engineer", "The city council", "My neighbour's dog", "The orchestra",
            "A small startup", "The old fisherman", "Our football team"};
        String[] verbs = {"quietly watched", "announced", "repaired", "celebrated", "forgot about", "carefully studied"};
        String[] objects = {"the new bridge over the river", "a plan to plant more trees in the park",
            "the results of the long experiment", "an old photograph found in the attic", "the morning train",
            "a recipe for tomato soup with fresh basil"};
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(subjects[i % subjects.length] + " " + verbs[(i / 8) % verbs.length] + " "
                + objects[(i / 48) % objects.length] + " on day " + i + ".");
        }
        return out;
    }
}
