package dev.modelmanager.benchmarks;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.djl.internal.DjlProvider;

/**
 * Sentences per second embedding the same sentences with all-MiniLM-L6-v2 (quantized, from its Maven jar),
 * one sentence per call, by one caller and by eight at once: through the manager and the DJL provider; through a
 * raw ONNX Runtime session on the same file with the same tokenizer (the baseline); and through LangChain4j's own
 * {@code AllMiniLmL6V2QuantizedEmbeddingModel}.
 */
public final class DjlEmbeddingLoadTest {
    private DjlEmbeddingLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        int count = smoke ? 50 : 1000;
        List<String> sentences = sentences(count);
        Path dir = Files.createTempDirectory("minilm");
        Path onnx = extract("all-minilm-l6-v2-q.onnx", dir);
        Path tokenizerFile = extract("all-minilm-l6-v2-q-tokenizer.json", dir);

        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new DjlProvider(), Map.of("service.id", 1L));
        manager.register("minilm", ModelRequirement.builder(ModelType.EMBEDDING, "all-MiniLM-L6-v2").dimension(384)
            .maxInputLength(256).cacheEmbeddings(false).source(new ModelSource.Classpath(null, List.of(
                "onnx/model.onnx=all-minilm-l6-v2-q.onnx", "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json")))
            .build(), "load-test");
        manager.load("minilm", Duration.ofSeconds(60));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile)
            .optMaxLength(256).optTruncation(true).optPadding(false).build();
        Consumer<String> raw = text -> rawEmbed(env, session, tokenizer, text);
        AllMiniLmL6V2QuantizedEmbeddingModel langchain = new AllMiniLmL6V2QuantizedEmbeddingModel();

        Consumer<String> viaManager = text -> manager.embed("minilm", List.of(text));
        Consumer<String> viaLangChain = langchain::embed;
        for (Consumer<String> warm : List.of(raw, viaManager, viaLangChain)) {
            sentences.subList(0, Math.min(50, count)).forEach(warm);
        }
        double[][] rates = new double[3][2];
        int[] callers = {1, 8};
        List<Consumer<String>> ways = List.of(raw, viaManager, viaLangChain);
        for (int w = 0; w < 3; w++) {
            for (int c = 0; c < 2; c++) {
                rates[w][c] = rate(ways.get(w), sentences, callers[c]);
            }
        }
        System.out.println();
        System.out.println("all-MiniLM-L6-v2 (quantized), " + count + " sentences, one per call (sentences/s)");
        System.out.printf(Locale.ROOT, "%-34s %12s %12s%n", "", "1 caller", "8 callers");
        String[] names = {"raw ONNX Runtime session (baseline)", "manager + DJL provider", "LangChain4j"};
        for (int w = 0; w < 3; w++) {
            System.out.printf(Locale.ROOT, "%-34s %7.0f %4.2fx %7.0f %4.2fx%n", names[w], rates[w][0],
                rates[w][0] / rates[0][0], rates[w][1], rates[w][1] / rates[0][1]);
        }
        manager.close();
        session.close();
        System.exit(0);
    }

    private static void rawEmbed(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, String text) {
        Encoding e = tokenizer.encode(text);
        long[][] ids = {e.getIds()};
        long[][] mask = {e.getAttentionMask()};
        long[][] types = {e.getTypeIds()};
        try (OnnxTensor a = OnnxTensor.createTensor(env, ids); OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            float[][][] hidden = (float[][][]) r.get(0).getValue();
            float[] v = new float[hidden[0][0].length];
            for (float[] token : hidden[0]) {
                for (int k = 0; k < v.length; k++) {
                    v[k] += token[k] / hidden[0].length;
                }
            }
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static double rate(Consumer<String> embed, List<String> sentences, int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long start = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int from = c * sentences.size() / callers;
                int to = (c + 1) * sentences.size() / callers;
                parts.add(pool.submit(() -> sentences.subList(from, to).forEach(embed)));
            }
            for (Future<?> part : parts) {
                part.get();
            }
            return sentences.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Path extract(String resource, Path dir) throws Exception {
        Path target = dir.resolve(resource);
        try (InputStream in = DjlEmbeddingLoadTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        return target;
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
