package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.BatchPolicy;
import dev.modelmanager.api.spi.EmbeddingModel;

/**
 * Sentence embeddings the sentence-transformers way, as the model's {@link EmbeddingSpec} says: the token vectors
 * pooled (mean, CLS, ...) over the attention mask, L2-normalised when the model has a {@code Normalize} module,
 * each text after its prompt. The texts of a call run as {@link Batches} plans them, on the compute threads, several
 * runs at once.
 */
final class DjlEmbedder extends DjlInstance implements EmbeddingModel {
    private final OnnxModel model;
    private final Tokens tokens;
    private final EmbeddingSpec spec;
    private final boolean alone;
    private final String output;
    private final int dimension;

    /**
     * @param alone every text runs on its own (dynamically quantized models), unless the user chose throughput
     */
    DjlEmbedder(OnnxModel model, Tokens tokens, EmbeddingSpec spec, boolean alone, long bytes,
                Map<String, String> details) {
        super(List.of(model, tokens), model, bytes, details);
        this.model = model;
        this.tokens = tokens;
        this.spec = spec;
        this.alone = alone;
        this.output = model.output("last_hidden_state", "token_embeddings", "sentence_embedding");
        this.dimension = embed(List.of("dimension probe"), null).get(0).length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public BatchPolicy batchPolicy() {
        return alone ? BatchPolicy.PER_CALL : BatchPolicy.COMBINE;
    }

    @Override
    public Map<String, String> prompts() {
        return spec.prompts();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return embed(texts, null);
    }

    @Override
    public List<float[]> embed(List<String> texts, String promptName) {
        return embedEncoded(texts, promptName).vectors();
    }

    @Override
    public Encoded embedEncoded(List<String> texts, String promptName) {
        return model.call(() -> embedNow(texts, promptName));
    }

    /**
     * The vectors with each text's tokens (its encoding's length: what the model reads, prompt and special tokens
     * included) and, for a text its encoding cut, how many tokens were cut (counted again untruncated).
     */
    private Encoded embedNow(List<String> texts, String promptName) {
        String name = promptName != null ? promptName : spec.defaultPrompt();
        String prompt = null;
        if (name != null) {
            prompt = spec.prompts().get(name);
            if (prompt == null) {
                throw ModelException.invalidInput(null, "prompt_name", "the model has no prompt '" + name + "'"
                    + (spec.prompts().isEmpty() ? "" : "; it has " + String.join(", ", spec.prompts().keySet())));
            }
        }
        int promptTokens = prompt != null && !spec.includePrompt() ? tokens.count(prompt) - 1 : 0;
        List<Encoding> encoded = new ArrayList<>(texts.size());
        int[] read = new int[texts.size()];
        int[] cut = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            String input = prompt == null ? texts.get(i) : prompt + texts.get(i);
            Encoding encoding = tokens.encoding(input);
            encoded.add(encoding);
            read[i] = encoding.getIds().length;
            if (encoding.exceedMaxLength()) {
                cut[i] = Math.max(0, tokens.untruncatedCount(input) - read[i]);
            }
        }
        return Encoded.counted(Batches.run(model, encoded, alone, (wide, batch) -> vectors(wide, batch, promptTokens)),
            read, cut);
    }

    /** One run of some texts: their pooled, normalised vectors, in the batch's order. */
    private List<float[]> vectors(boolean wide, TokenBatch batch, int promptTokens) {
        OnnxModel.Output hidden = model.run(wide, batch.inputs(), Map.of(), output);
        List<float[]> out = new ArrayList<>(batch.size());
        if (hidden.shape().length == 2) { // the graph pools itself
            int d = (int) hidden.shape()[1];
            for (int row = 0; row < batch.size(); row++) {
                float[] v = new float[d];
                System.arraycopy(hidden.values(), row * d, v, 0, d);
                out.add(normalized(v));
            }
            return out;
        }
        if (hidden.shape().length != 3) {
            throw new ModelException(dev.modelmanager.api.ErrorCode.INVALID_MODEL_FILE, null, "source", "the graph's "
                + "output " + output + " has " + hidden.shape().length + " dimensions; an embedding model gives [batch, "
                + "tokens, hidden] or [batch, hidden]", null);
        }
        long[] mask = batch.mask();
        if (promptTokens > 0) {
            mask = mask.clone();
            for (int row = 0; row < batch.size(); row++) {
                for (int t = 0; t < Math.min(promptTokens, batch.length()); t++) {
                    mask[row * batch.length() + t] = 0;
                }
            }
        }
        int d = (int) hidden.shape()[2];
        for (int row = 0; row < batch.size(); row++) {
            out.add(normalized(Pooling.pool(spec.pooling(), hidden.values(), mask, row, batch.length(), d)));
        }
        return out;
    }

    private float[] normalized(float[] v) {
        if (!spec.normalize()) {
            return v;
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        // sentence-transformers' Normalize: v / max(||v||, 1e-12)
        float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int k = 0; k < v.length; k++) {
            v[k] *= inv;
        }
        return v;
    }
}
