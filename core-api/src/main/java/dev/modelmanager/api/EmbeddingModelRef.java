package dev.modelmanager.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on an embedding model. A blocking call runs on the caller's thread when the model has a free slot; an
 * asynchronous call's stage completes on one of the model's threads (keep its continuations short, or move them
 * to an executor of your own).
 */
@ProviderType
public interface EmbeddingModelRef extends ModelRef {
    /** One vector per text, in order, with how each was made. */
    EmbeddingResult embed(List<String> texts);

    /** The vector of one text. */
    default float[] embed(String text) {
        return embed(List.of(text)).vectors().get(0);
    }

    CompletionStage<EmbeddingResult> embedAsync(List<String> texts);

    /** One vector per text, with the call's options (a named prompt, say); see {@link ModelManager}. */
    EmbeddingResult embed(List<String> texts, EmbeddingOptions options);

    CompletionStage<EmbeddingResult> embedAsync(List<String> texts, EmbeddingOptions options);

    /** The documents by cosine similarity to the query, most similar first. */
    RerankResult rerank(String query, List<String> documents);

    /** Scores each text against each label by embedding similarity, best first (see {@link ModelManager}). */
    ClassificationResult classifyZeroShot(List<String> texts, List<String> candidateLabels);
}
