package dev.modelmanager.api;

import java.time.Duration;
import java.util.List;

/**
 * What {@link ModelManager#rerank} answers: the documents by relevance to the query, most relevant first.
 *
 * @param modelId        the model that scored them
 * @param results        every document with its index in the request and its score
 * @param method         how they were scored: {@code cross-encoder} (a classification model reading query and
 *                       document together) or {@code cosine} (an embedding model)
 * @param processingTime time the call took
 */
public record RerankResult(String modelId, List<Ranked> results, String method, Duration processingTime) {
    public RerankResult {
        results = List.copyOf(results);
    }

    /**
     * One document.
     *
     * @param index    its position in the request
     * @param score    its relevance: the cross-encoder's probability, or the cosine similarity
     * @param document its text
     */
    public record Ranked(int index, double score, String document) {
    }
}
