package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.spi.EmbeddingModel;

/**
 * Sentence embeddings the sentence-transformers way: the model's {@code last_hidden_state}, mean-pooled over the
 * attention mask (or the first token's, for CLS pooling), L2-normalised. One text per ONNX run: dynamically
 * quantized models compute their activation scale over the whole input tensor, so padding texts into a batch
 * changes their vectors.
 */
final class DjlEmbedder extends DjlInstance implements EmbeddingModel {
    private final OnnxModel model;
    private final Tokens tokens;
    private final boolean cls;
    private final boolean normalize;
    private final int dimension;

    DjlEmbedder(OnnxModel model, Tokens tokens, boolean cls, boolean normalize, long bytes, Map<String, String> details) {
        super(List.of(model, tokens), bytes, details);
        this.model = model;
        this.tokens = tokens;
        this.cls = cls;
        this.normalize = normalize;
        this.dimension = embedOne("dimension probe").length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            vectors.add(embedOne(text));
        }
        return vectors;
    }

    private float[] embedOne(String text) {
        Map<String, OnnxModel.LongInput> in = tokens.encode(text);
        OnnxModel.Output hidden = model.run(in, Map.of());
        long[] mask = in.get("attention_mask").values();
        int seq = (int) hidden.shape()[1];
        int d = (int) hidden.shape()[2];
        float[] h = hidden.values();
        float[] v = new float[d];
        if (cls) {
            System.arraycopy(h, 0, v, 0, d);
        } else {
            int n = 0;
            for (int t = 0; t < seq; t++) {
                if (mask[t] != 0) {
                    n++;
                    for (int k = 0; k < d; k++) {
                        v[k] += h[t * d + k];
                    }
                }
            }
            for (int k = 0; k < d; k++) {
                v[k] /= Math.max(1, n);
            }
        }
        if (normalize) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            float inv = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int k = 0; k < d; k++) {
                v[k] *= inv;
            }
        }
        return v;
    }
}
