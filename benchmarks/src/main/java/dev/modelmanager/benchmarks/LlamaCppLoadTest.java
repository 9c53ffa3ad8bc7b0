package dev.modelmanager.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppProvider;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppSettings;

/**
 * Load test of the llama.cpp provider on {@code shared/models/stories260K.gguf}, all in one run: tokens per second
 * through the manager and through java-llama.cpp directly (same file, same context and slots), with one stream
 * and with four at once; the memory estimate against the resident memory measured; and what load/unload cycles
 * leave behind (resident memory and threads per cycle).
 */
public final class LlamaCppLoadTest {
    private static final int SLOTS = 4;
    private static final int CONTEXT_PER_SLOT = 2048;

    private LlamaCppLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        Path model = Path.of(System.getProperty("shared.models", "../shared/models"), "stories260K.gguf").toAbsolutePath();
        int tokens = smoke ? 32 : 256;
        int rounds = smoke ? 1 : 5;
        int cycles = smoke ? 3 : 20;
        Path natives = Files.createTempDirectory("llama-natives");
        System.setProperty("de.kherud.llama.tmpdir", natives.toString());

        LlamaCppSettings settings = new LlamaCppSettings(natives, null, CONTEXT_PER_SLOT, SLOTS, 0, tokens,
            Integer.getInteger("parked", 2));
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(settings), Map.of("service.id", 1L));
        manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(model.toString()).build(), "load-test");
        GenerationOptions options = GenerationOptions.builder().temperature(0.0).maxOutputLength(tokens)
            .extra("ignore_eos", "true").build();
        manager.load("stories", Duration.ofSeconds(60));

        double direct1;
        double direct4;
        try (LlamaModel direct = new LlamaModel(new ModelParameters().setModel(model.toString())
            .setCtxSize(CONTEXT_PER_SLOT * SLOTS).setParallel(SLOTS)
            .setThreads(Runtime.getRuntime().availableProcessors()).enableContBatching().disableLog())) {
            InferenceParameters params = new InferenceParameters("Once upon a time").setTemperature(0f)
                .setNPredict(tokens).setIgnoreEos(true).setCachePrompt(true);
            Callable<Integer> directRun = () -> {
                int n = 0;
                for (LlamaOutput out : direct.generate(params)) {
                    n += out.text.isEmpty() ? 0 : 1;
                }
                return n;
            };
            directRun.call(); // warm-up
            direct1 = rate(directRun, 1, rounds);
            direct4 = rate(directRun, 4, rounds);
        }
        Callable<Integer> managed = () -> manager.generate("stories", "Once upon a time", options).usage().completionTokens();
        managed.call(); // warm-up
        double manager1 = rate(managed, 1, rounds);
        double manager4 = rate(managed, 4, rounds);

        ModelInfo info = manager.info("stories");
        System.out.println();
        System.out.println("llama.cpp provider on stories260K.gguf, " + tokens + " tokens per generation, greedy, "
            + SLOTS + " slots x " + CONTEXT_PER_SLOT + " context");
        System.out.printf(Locale.ROOT, "%-22s %16s %16s %8s%n", "", "direct (tok/s)", "manager (tok/s)", "ratio");
        System.out.printf(Locale.ROOT, "%-22s %16.0f %16.0f %7.2fx%n", "1 stream", direct1, manager1, manager1 / direct1);
        System.out.printf(Locale.ROOT, "%-22s %16.0f %16.0f %7.2fx%n", "4 concurrent streams", direct4, manager4, manager4 / direct4);
        System.out.printf(Locale.ROOT, "memory: estimated %.1f MiB, resident after load %.1f MiB, error %+.1f%%%n",
            info.estimatedMemoryBytes() / 1048576.0, info.memoryBytes() / 1048576.0,
            100.0 * (info.estimatedMemoryBytes() - info.memoryBytes()) / info.memoryBytes());

        long rss0 = residentBytes();
        int threads0 = Thread.activeCount();
        for (int i = 0; i < cycles; i++) {
            manager.unload("stories");
            manager.load("stories", Duration.ofSeconds(60));
        }
        manager.unload("stories");
        long rss1 = residentBytes();
        int threads1 = Thread.activeCount();
        System.out.printf(Locale.ROOT, "%d load/unload cycles: resident %+.2f MiB per cycle, %+.2f threads per cycle (%d -> %d)%n",
            cycles, (rss1 - rss0) / 1048576.0 / cycles, (threads1 - threads0) / (double) cycles, threads0, threads1);
        manager.close();
        System.exit(0); // java-llama.cpp leaves non-daemon native threads behind (see the provider README)
    }

    /** Tokens per second over {@code rounds} rounds of {@code streams} concurrent generations. */
    private static double rate(Callable<Integer> generation, int streams, int rounds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            long tokens = 0;
            long start = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int s = 0; s < streams; s++) {
                    runs.add(pool.submit(generation));
                }
                for (Future<Integer> run : runs) {
                    tokens += run.get();
                }
            }
            return tokens / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long residentBytes() {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+")[1]) * 4096;
        } catch (Exception e) {
            return -1;
        }
    }
}
