package dev.modelmanager.api;

import java.time.Duration;
import java.util.List;

/**
 * What {@link ModelManager#embed} answers: one {@link Embedding} per input text, in input order.
 *
 * @param modelId        the model that answered (the target of {@code "default"} when that was asked)
 * @param embeddings     one per text, in order
 * @param processingTime wall time of the whole call, including waiting for a load
 */
public record EmbeddingResult(String modelId, List<Embedding> embeddings, Duration processingTime) {
    public EmbeddingResult {
        embeddings = List.copyOf(embeddings);
    }

    /** The vectors alone, in input order. */
    public List<float[]> vectors() {
        return embeddings.stream().map(Embedding::vector).toList();
    }

    /** Whether every text was answered from the cache. */
    public boolean allCached() {
        return embeddings.stream().allMatch(Embedding::cached);
    }
}
