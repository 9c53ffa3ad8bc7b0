package dev.modelmanager.benchmarks;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * What ONNX Runtime itself gives on this machine, without the manager, tokenizer or pooling: all-MiniLM-L6-v2
 * (int8 and fp32) on texts tokenized beforehand, in the run shapes the djl provider chooses between — one session
 * with ONNX Runtime's default options, one text per run (the raw baseline of {@link DjlEmbeddingLoadTest});
 * single-threaded runs, one and two at once; and for fp32, batches of 4 and 8 texts of one length, two at once (the
 * most micro-batching can give). It prints the ONNX Runtime version it runs on, so that {@code ort-versions.sh} can
 * put two versions side by side: their figures compare only within one run of that script.
 */
public final class OrtRunRate {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtRunRate() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        long millis = smoke ? 200 : 2000;
        Path dir = Files.createTempDirectory("ort-rate");
        List<String> sentences = DjlEmbeddingLoadTest.sentences(smoke ? 64 : 1000);
        System.out.println("ONNX Runtime " + ENV.getVersion() + " (sentences/s, texts tokenized beforehand)");
        for (String model : List.of("all-minilm-l6-v2-q", "all-minilm-l6-v2")) {
            Path onnx = RawOnnx.extract(model + ".onnx", dir);
            Path tokenizerFile = RawOnnx.extract(model + "-tokenizer.json", dir);
            List<long[]> ids = new ArrayList<>();
            try (HuggingFaceTokenizer tokenizer = RawOnnx.tokenizer(tokenizerFile)) {
                for (String s : sentences) {
                    Encoding e = tokenizer.encode(s);
                    ids.add(e.getIds());
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s", model));
            try (OrtSession defaults = ENV.createSession(onnx.toString(), new OrtSession.SessionOptions());
                 OrtSession.SessionOptions one = new OrtSession.SessionOptions()) {
                one.setIntraOpNumThreads(1);
                try (OrtSession single = ENV.createSession(onnx.toString(), one)) {
                    line.append(cell("defaults, 1 at once", rate(defaults, ids, 1, 1, millis)));
                    line.append(cell("1 thread, 1 at once", rate(single, ids, 1, 1, millis)));
                    line.append(cell("1 thread, 2 at once", rate(single, ids, 2, 1, millis)));
                    if (!model.endsWith("-q")) { // padding changes a dynamically quantized model's vectors
                        line.append(cell("batches of 4, 2 at once", rate(single, ids, 2, 4, millis)));
                        line.append(cell("batches of 8, 2 at once", rate(single, ids, 2, 8, millis)));
                    }
                }
            }
            System.out.println(line);
            Files.delete(onnx);
            Files.delete(tokenizerFile);
        }
        Files.delete(dir);
        System.exit(0);
    }

    private static String cell(String name, double rate) {
        return String.format(Locale.ROOT, "  %s %6.0f", name, rate);
    }

    /**
     * Texts per second from {@code parallel} threads each running {@code batch} consecutive texts per run (padded to
     * the longest), the best of two measures of {@code millis}.
     */
    private static double rate(OrtSession session, List<long[]> ids, int parallel, int batch, long millis) {
        DjlEmbeddingLoadTest.Step step = i -> {
            run(session, ids, i, batch);
            return batch;
        };
        double best = 0;
        for (int round = 0; round < 2; round++) {
            best = Math.max(best, DjlEmbeddingLoadTest.rate(step, ids.size(), parallel, millis));
        }
        return best;
    }

    private static void run(OrtSession session, List<long[]> ids, int first, int batch) throws Exception {
        int length = 0;
        for (int k = 0; k < batch; k++) {
            length = Math.max(length, ids.get((first + k) % ids.size()).length);
        }
        long[] input = new long[batch * length];
        long[] mask = new long[batch * length];
        for (int k = 0; k < batch; k++) {
            long[] text = ids.get((first + k) % ids.size());
            System.arraycopy(text, 0, input, k * length, text.length);
            java.util.Arrays.fill(mask, k * length, k * length + text.length, 1L);
        }
        long[] shape = {batch, length};
        try (OnnxTensor a = OnnxTensor.createTensor(ENV, LongBuffer.wrap(input), shape);
             OnnxTensor b = OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), shape);
             OnnxTensor c = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[batch * length]), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            r.get(0);
        }
    }
}
