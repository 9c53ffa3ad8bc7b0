package dev.modelmanager.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.gguf.GgufWriter;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppProvider;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppSettings;

/**
 * Generation on a model of realistic shape ({@link BenchmarkModel}: 12 layers, hidden 1024, ~200 M parameters,
 * written into {@code target/} at the first run), all in one run and on the same machine:
 * <ol>
 * <li>memory bandwidth, and from it the decode ceiling: bandwidth / bytes read per token;
 * <li>tokens per second through the manager and through java-llama.cpp directly (same file, context, slots and
 * threads), one stream and four at once, in interleaved rounds (medians): the ratios 4 streams / 1 stream,
 * manager / direct, and single-stream rate / ceiling;
 * <li>chat prefix reuse through the manager's streaming chat: time to first token of a second turn (the first
 * turn's history, its answer and a short message) against the first (about 1,000 prompt tokens);
 * <li>the memory estimate against the resident memory measured, and what load/unload cycles leave behind.
 * </ol>
 * System properties: {@code shape} (a {@link BenchmarkModel} shape name), {@code types} (default {@code Q8_0,F16};
 * {@code Q8_0} with {@code --smoke}), {@code tokens},
 * {@code rounds}, {@code chat.words}, {@code chat.rounds}, {@code model.dir}, {@code parked}.
 */
public final class GenerationScalingLoadTest {
    private static final int SLOTS = 4;
    private static final int CONTEXT_PER_SLOT = 2048;
    private static final int PROMPT_WORDS = 8;
    private static final int ANSWER_TOKENS = 16;
    private static final String REQUESTER = "load-test";

    private GenerationScalingLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        // -Dshape=L22-E2048: a 1.1 B-parameter model instead of the default 200 M one (see BenchmarkModel)
        BenchmarkModel.Shape shape = BenchmarkModel.shape(System.getProperty("shape",
            (smoke ? BenchmarkModel.SMOKE : BenchmarkModel.FULL).name()));
        List<GgufWriter.Type> types = Arrays.stream(System.getProperty("types", smoke ? "Q8_0" : "Q8_0,F16").split(","))
            .map(t -> GgufWriter.Type.valueOf(t.trim().toUpperCase(Locale.ROOT))).toList();
        int tokens = Integer.getInteger("tokens", smoke ? 16 : 128);
        int rounds = Integer.getInteger("rounds", smoke ? 1 : 5);
        int chatWords = Integer.getInteger("chat.words", smoke ? 200 : 1000);
        int chatRounds = Integer.getInteger("chat.rounds", smoke ? 1 : 3);
        int cycles = smoke ? 3 : 20;
        int cores = Runtime.getRuntime().availableProcessors();
        // -Dthreads=N, -Dthreads.batch=N: llama.cpp's threads per model for one-token steps and for larger ones, for
        // the manager and the direct call alike (default: the provider's, all cores; batches as one-token steps)
        int threads = Integer.getInteger("threads", LlamaCppSettings.defaults().effectiveThreads());
        int threadsBatch = Integer.getInteger("threads.batch", threads);
        Path dir = Path.of(System.getProperty("model.dir", "benchmarks/target/models")).toAbsolutePath();
        Path natives = Files.createTempDirectory("llama-natives");
        System.setProperty("de.kherud.llama.tmpdir", natives.toString());

        int passes = smoke ? 3 : 8;
        long buffer = MemoryBandwidth.bufferBytes();
        double bandwidth = MemoryBandwidth.measure(cores, buffer, passes);
        System.out.println();
        System.out.printf(Locale.ROOT, "memory bandwidth: %.1f GB/s (%d threads, one a core, reading %d MiB: "
            + "twice the largest cache, %d MiB, at least 512; best of %d passes)%n", bandwidth, cores, buffer >> 20,
            MemoryBandwidth.largestCacheBytes() >> 20, passes);

        // -Dnative.library=DIR|FILE: a libjllama built for this machine, as the provider's native_library_path
        String library = System.getProperty("native.library", "");
        Path nativeLibrary = library.isBlank() ? null : Path.of(library).toAbsolutePath();
        System.out.println("llama.cpp native library: " + (nativeLibrary == null ? "bundled (java-llama.cpp's CPU build)"
            : nativeLibrary));
        LlamaCppSettings settings = new LlamaCppSettings(natives, nativeLibrary, CONTEXT_PER_SLOT, SLOTS, threads,
            threadsBatch, tokens, Integer.getInteger("parked", 2));
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(settings), Map.of("service.id", 1L));
        for (GgufWriter.Type type : types) {
            BenchmarkModel model = BenchmarkModel.prepare(shape, type, dir);
            String id = "bench-" + type.name().toLowerCase(Locale.ROOT);
            manager.register(id, ModelRequirement.builder(ModelType.TEXT_GENERATION, model.file.getFileName().toString())
                .path(model.file.toString()).option("n_parallel", Integer.toString(SLOTS))
                .option("n_ctx", Integer.toString(CONTEXT_PER_SLOT)).build(), REQUESTER);
            manager.load(id, Duration.ofMinutes(5));
            ModelInfo loaded = manager.info(id);
            double[] rates = streams(manager, id, model, tokens, rounds, threads, threadsBatch);
            printStreams(model, tokens, rounds, threads == threadsBatch ? Integer.toString(threads)
                : threads + "/" + threadsBatch + " (one token / batches)", bandwidth, rates);
            if (type == types.get(0)) {
                chat(manager, id, model, chatWords, chatRounds);
                memoryAndCycles(manager, id, loaded, cycles);
            }
            manager.unload(id);
        }
        manager.close();
        System.exit(0); // java-llama.cpp leaves non-daemon native threads behind (see the provider README)
    }

    /**
     * Tokens per second, medians over interleaved rounds, in the order direct 1 stream, manager 1, direct 4,
     * manager 4 (every other round in reverse, so that a drift of the machine falls on all alike). Each stream has
     * a prompt of its own, as different callers would.
     */
    private static double[] streams(ModelManagerImpl manager, String id, BenchmarkModel model, int tokens, int rounds,
                                    int threads, int threadsBatch) throws Exception {
        String[] prompts = new String[SLOTS];
        for (int s = 0; s < SLOTS; s++) {
            prompts[s] = model.text(PROMPT_WORDS, s);
        }
        GenerationOptions options = GenerationOptions.builder().temperature(0.0).maxOutputLength(tokens)
            .extra("ignore_eos", "true").build();
        ExecutorService pool = Executors.newFixedThreadPool(SLOTS);
        try (LlamaModel direct = new LlamaModel(new ModelParameters().setModel(model.file.toString())
            .setCtxSize(CONTEXT_PER_SLOT * SLOTS).setParallel(SLOTS).setThreads(threads).setThreadsBatch(threadsBatch)
            .enableContBatching().disableLog())) {
            Generation directRun = stream -> {
                int n = 0;
                for (LlamaOutput out : direct.generate(new InferenceParameters(prompts[stream]).setTemperature(0f)
                    .setNPredict(tokens).setIgnoreEos(true).setCachePrompt(true))) {
                    n += out.text.isEmpty() ? 0 : 1;
                }
                return n;
            };
            Generation managed = stream -> manager.generate(id, prompts[stream], options).usage().completionTokens();
            Generation[] runs = {directRun, managed, directRun, managed};
            int[] streams = {1, 1, SLOTS, SLOTS};
            double[][] samples = new double[runs.length][rounds];
            for (Generation run : new Generation[] {directRun, managed}) {
                rate(pool, run, 1, tokens); // warm-up: weights paged in, code compiled
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < runs.length; k++) {
                    int c = r % 2 == 0 ? k : runs.length - 1 - k;
                    samples[c][r] = rate(pool, runs[c], streams[c], tokens);
                }
            }
            return Arrays.stream(samples).mapToDouble(GenerationScalingLoadTest::median).toArray();
        } finally {
            pool.shutdownNow();
        }
    }

    /** One generation on stream {@code stream}; answers the tokens it produced. */
    @FunctionalInterface
    private interface Generation {
        int run(int stream) throws Exception;
    }

    /** Tokens per second of {@code streams} generations at once; each must produce all {@code tokens}. */
    private static double rate(ExecutorService pool, Generation generation, int streams, int tokens) throws Exception {
        long start = System.nanoTime();
        List<Future<Integer>> runs = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int stream = s;
            runs.add(pool.submit(() -> generation.run(stream)));
        }
        long total = 0;
        for (Future<Integer> run : runs) {
            int n = run.get();
            if (n != tokens) {
                throw new IllegalStateException("a generation produced " + n + " non-empty pieces of " + tokens
                    + " tokens: the rates would be miscounted");
            }
            total += n;
        }
        return total / ((System.nanoTime() - start) / 1e9);
    }

    private static void printStreams(BenchmarkModel model, int tokens, int rounds, String threads, double bandwidth,
                                     double[] rates) throws Exception {
        BenchmarkModel.Shape s = model.shape;
        System.out.println();
        System.out.printf(Locale.ROOT, "Generation on synthetic llama %s %s (%d layers, hidden %d, %d heads / %d KV, "
                + "vocabulary %,d; %.1f M parameters, %.0f MB), %d tokens a stream, greedy, ignore_eos, %d slots x %d "
                + "context, %s threads; median of %d interleaved round(s)%n", s.name(), model.type, s.layers(), s.embd(),
            s.heads(), s.kvHeads(), s.vocab(), model.parameters() / 1e6, model.fileBytes() / 1e6, tokens, SLOTS,
            CONTEXT_PER_SLOT, threads, rounds);
        System.out.printf(Locale.ROOT, "%-26s %16s %16s %16s%n", "", "direct (tok/s)", "manager (tok/s)",
            "manager/direct");
        System.out.printf(Locale.ROOT, "%-26s %16.1f %16.1f %15.3fx   (target >= 0.97)%n", "1 stream", rates[0],
            rates[1], rates[1] / rates[0]);
        System.out.printf(Locale.ROOT, "%-26s %16.1f %16.1f %15.3fx   (target >= 0.97)%n", SLOTS + " concurrent streams",
            rates[2], rates[3], rates[3] / rates[2]);
        System.out.printf(Locale.ROOT, "%-26s %15.2fx %15.2fx %16s   (target >= 2.5x via the manager)%n",
            SLOTS + " streams / 1 stream", rates[2] / rates[0], rates[3] / rates[1], "");
        double weights = model.weightBytesPerToken();
        double position = PROMPT_WORDS + tokens / 2.0;
        double kv = model.kvBytesPerToken(position);
        double ceiling = bandwidth * 1e9 / (weights + kv);
        System.out.printf(Locale.ROOT, "decode ceiling %.1f tok/s = %.1f GB/s / %.1f MB a token (weights: every tensor "
                + "but token_embd, of which one row, %.1f MB; KV cache at the mean position %.0f, %.2f MB)%n",
            ceiling, bandwidth, (weights + kv) / 1e6, weights / 1e6, position, kv / 1e6);
        System.out.printf(Locale.ROOT, "1 stream / ceiling: direct %.2f, manager %.2f   (aim >= 0.6)%n",
            rates[0] / ceiling, rates[1] / ceiling);
    }

    /**
     * Two turns of a conversation through {@link ModelManagerImpl#streamChat}: the first a user message of
     * {@code words} vocabulary words, answered with {@value #ANSWER_TOKENS} tokens; the second that history, the
     * answer and a short message. Each round starts a new conversation (other words), so its first turn finds
     * nothing of it cached.
     */
    private static void chat(ModelManagerImpl manager, String id, BenchmarkModel model, int words, int rounds)
        throws Exception {
        GenerationOptions options = GenerationOptions.builder().temperature(0.0).maxOutputLength(ANSWER_TOKENS)
            .extra("ignore_eos", "true").build();
        double[] first = new double[rounds];
        double[] second = new double[rounds];
        TimedStream turn1 = null;
        TimedStream turn2 = null;
        for (int r = 0; r < rounds; r++) {
            List<ChatMessage> history = List.of(ChatMessage.user(model.text(words, 1000 + r)));
            turn1 = TimedStream.run(() -> manager.streamChat(id, history, options));
            List<ChatMessage> next = List.of(history.get(0), ChatMessage.assistant(turn1.text()),
                ChatMessage.user(model.text(12, 2000 + r)));
            turn2 = TimedStream.run(() -> manager.streamChat(id, next, options));
            first[r] = turn1.firstTokenNanos() / 1e6;
            second[r] = turn2.firstTokenNanos() / 1e6;
        }
        double ratio = median(second) / median(first);
        System.out.println();
        System.out.printf(Locale.ROOT, "Chat prefix reuse (streamChat through the manager, %s): turn 1 = a user message "
            + "of %d words (%d prompt tokens), %d tokens answered; turn 2 = that, the answer and 12 words (%d prompt "
            + "tokens); median of %d round(s)%n", model.type, words, turn1.usage().promptTokens(), ANSWER_TOKENS,
            turn2.usage().promptTokens(), rounds);
        System.out.printf(Locale.ROOT, "time to first token: turn 1 %.0f ms, turn 2 %.0f ms, turn 2 / turn 1 %.2f   "
            + "(target <= 0.5)%n", median(first), median(second), ratio);
        System.out.printf(Locale.ROOT, "cached prompt tokens (usage): turn 1 %d of %d, turn 2 %d of %d%n",
            turn1.usage().cachedPromptTokens(), turn1.usage().promptTokens(), turn2.usage().cachedPromptTokens(),
            turn2.usage().promptTokens());
    }

    /** The estimate against the resident memory measured at load, then load/unload cycles (resident, threads). */
    private static void memoryAndCycles(ModelManagerImpl manager, String id, ModelInfo loaded, int cycles) {
        System.out.println();
        System.out.printf(Locale.ROOT, "memory: estimated %.1f MiB, resident after load %.1f MiB, error %+.1f%%%n",
            loaded.estimatedMemoryBytes() / 1048576.0, loaded.memoryBytes() / 1048576.0,
            100.0 * (loaded.estimatedMemoryBytes() - loaded.memoryBytes()) / loaded.memoryBytes());
        long rss0 = residentBytes();
        int threads0 = Thread.activeCount();
        for (int i = 0; i < cycles; i++) {
            manager.unload(id);
            manager.load(id, Duration.ofMinutes(5));
        }
        manager.unload(id);
        long rss1 = residentBytes();
        int threads1 = Thread.activeCount();
        System.out.printf(Locale.ROOT, "%d load/unload cycles: resident %+.2f MiB per cycle, %+.2f threads per cycle "
            + "(%d -> %d)%n", cycles, (rss1 - rss0) / 1048576.0 / cycles, (threads1 - threads0) / (double) cycles,
            threads0, threads1);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long residentBytes() {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+")[1]) * 4096;
        } catch (Exception e) {
            return -1;
        }
    }
}
