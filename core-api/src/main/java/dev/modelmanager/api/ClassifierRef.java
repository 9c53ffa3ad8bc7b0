package dev.modelmanager.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A handle on a classification model. Threads as for {@link EmbeddingModelRef}. */
@ProviderType
public interface ClassifierRef extends ModelRef {
    ClassificationResult classify(List<String> texts);

    CompletionStage<ClassificationResult> classifyAsync(List<String> texts);

    /** Every label's score for each text pair, read together (see {@link ModelManager#classifyPairs}). */
    ClassificationResult classifyPairs(List<TextPair> pairs);

    CompletionStage<ClassificationResult> classifyPairsAsync(List<TextPair> pairs);

    /** The documents by relevance to the query, as this cross-encoder scores them, most relevant first. */
    RerankResult rerank(String query, List<String> documents);
}
