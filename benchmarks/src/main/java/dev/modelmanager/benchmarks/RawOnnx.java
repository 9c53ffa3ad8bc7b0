package dev.modelmanager.benchmarks;

import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * The baseline: what a user calling ONNX Runtime directly writes for a sentence embedding — one session with
 * ONNX Runtime's default options, the same tokenizer, one text per run, mean pooling, L2 normalisation.
 * Thread-safe (a session runs calls from several threads).
 */
final class RawOnnx implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    final Path onnx;
    final Path tokenizerFile;

    RawOnnx(String onnxResource, String tokenizerResource, Path dir) throws Exception {
        this.onnx = extract(onnxResource, dir);
        this.tokenizerFile = extract(tokenizerResource, dir);
        this.session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
        this.tokenizer = tokenizer(tokenizerFile);
    }

    /** The tokenizer a user calling ONNX Runtime directly builds: truncating at 256 tokens, no padding. */
    static HuggingFaceTokenizer tokenizer(Path file) throws java.io.IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(file).optMaxLength(256).optTruncation(true)
            .optPadding(false).build();
    }

    float[] embed(String text) {
        Encoding e = tokenizer.encode(text);
        long[] shape = {1, e.getIds().length};
        try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getIds()), shape);
             OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getAttentionMask()), shape);
             OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(e.getTypeIds()), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            float[][][] hidden = (float[][][]) r.get(0).getValue();
            float[] v = new float[hidden[0][0].length];
            for (float[] token : hidden[0]) {
                for (int k = 0; k < v.length; k++) {
                    v[k] += token[k] / hidden[0].length;
                }
            }
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int k = 0; k < v.length; k++) {
                v[k] /= (float) Math.sqrt(norm);
            }
            return v;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    static Path extract(String resource, Path dir) throws Exception {
        Path target = dir.resolve(resource);
        if (!Files.exists(target)) {
            try (InputStream in = RawOnnx.class.getClassLoader().getResourceAsStream(resource)) {
                Files.copy(in, target);
            }
        }
        return target;
    }

    @Override
    public void close() throws Exception {
        session.close();
        tokenizer.close();
    }
}
