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

    @Override
    public List<float[]> embed(List<String> texts) throws Exception {
        return call(() -> {
            List<float[]> vectors = new ArrayList<>(texts.size());
            for (String text : texts) {
                vectors.add(model.embed(text));
            }
            return vectors;
        });
    }
}
