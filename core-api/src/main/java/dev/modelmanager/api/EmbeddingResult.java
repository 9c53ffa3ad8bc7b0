package dev.modelmanager.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ModelManager#embed} answers: one {@link Embedding} per input text, in input order, and the tokens they
 * amount to.
 *
 * @param modelId        the model that answered (the target of {@code "default"} when that was asked)
 * @param embeddings     one per text, in order
 * @param processingTime wall time of the whole call, including waiting for a load
 * @param totalTokens    tokens the model reads for all the inputs, each input counted (a repeated text each time, a
 *                       cached one at the count it was computed with); {@link Embedding#UNKNOWN} when the provider
 *                       cannot tell. Usually the sum of the embeddings' {@link Embedding#tokens}; known while theirs
 *                       are not where the provider counts only whole calls (OpenAI's {@code usage.prompt_tokens})
 *                       and the call was one of those
 */
public record EmbeddingResult(String modelId, List<Embedding> embeddings, Duration processingTime, long totalTokens) {
    public EmbeddingResult {
        embeddings = List.copyOf(embeddings);
        if (totalTokens < Embedding.UNKNOWN) {
            throw new IllegalArgumentException("totalTokens must be >= 0, or UNKNOWN (-1); was " + totalTokens);
        }
    }

    /** With {@link #totalTokens} the sum of the embeddings' tokens ({@link Embedding#UNKNOWN} if one is unknown). */
    public EmbeddingResult(String modelId, List<Embedding> embeddings, Duration processingTime) {
        this(modelId, embeddings, processingTime, sum(embeddings));
    }

    private static long sum(List<Embedding> embeddings) {
        long total = 0;
        for (Embedding e : embeddings) {
            if (e.tokens() == Embedding.UNKNOWN) {
                return Embedding.UNKNOWN;
            }
            total += e.tokens();
        }
        return total;
    }

    /** The vectors alone, in input order. */
    public List<float[]> vectors() {
        return embeddings.stream().map(Embedding::vector).toList();
    }

    /** Whether every text was answered from the cache. */
    public boolean allCached() {
        return embeddings.stream().allMatch(Embedding::cached);
    }

    /** Whether the provider said of every input whether it was truncated ({@link Embedding#truncatedTokens} known). */
    public boolean truncationKnown() {
        return embeddings.stream().allMatch(e -> e.truncatedTokens() != Embedding.UNKNOWN);
    }

    /** How many inputs the model read only the start of (of those it could tell: see {@link #truncationKnown}). */
    public int truncatedCount() {
        return (int) embeddings.stream().filter(Embedding::truncated).count();
    }

    /** The positions of the inputs the model read only the start of, ascending. */
    public List<Integer> truncatedIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < embeddings.size(); i++) {
            if (embeddings.get(i).truncated()) {
                out.add(i);
            }
        }
        return List.copyOf(out);
    }
}
