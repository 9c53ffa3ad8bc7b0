package dev.modelmanager.provider.llamacpp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import de.kherud.llama.LlamaModel;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/** Embeddings from a GGUF model loaded in embedding mode, pooled the way the model declares. */
final class LlamaEmbedder extends LlamaInstance implements EmbeddingModel {
    private final int dimension;

    LlamaEmbedder(String modelId, LlamaModel model, GgufFile gguf, long measuredBytes, MemoryEstimate estimate,
                  Map<String, String> facts, Runnable release) {
        super(modelId, model, gguf, measuredBytes, estimate, facts, release);
        this.dimension = (int) gguf.embeddingLength();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /**
     * Each text runs on its own here, so merging callers' texts gains nothing; kept apart, one caller's text the
     * model refuses fails only that caller.
     */
    @Override
    public dev.modelmanager.api.spi.BatchPolicy batchPolicy() {
        return dev.modelmanager.api.spi.BatchPolicy.PER_CALL;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws Exception {
        return call(() -> {
            List<float[]> vectors = new ArrayList<>(texts.size());
            if (texts.stream().anyMatch(String::isEmpty)) {
                // the binding reads an embedding the server does not send for an empty prompt: undefined behaviour
                // in native code, so it never gets there (no index: the texts here may be fewer than the caller's)
                throw dev.modelmanager.api.ModelException.invalidInput(null, "texts", "holds an empty text; llama.cpp "
                    + "embeds text of at least one character");
            }
            for (String text : texts) {
                vectors.add(model.embed(text));
            }
            return vectors;
        });
    }
}
