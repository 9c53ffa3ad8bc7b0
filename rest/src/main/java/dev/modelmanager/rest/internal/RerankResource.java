package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.RerankResult;

/**
 * {@code POST /v1/rerank} in the shape Jina and Cohere use (and LangChain4j's and LlamaIndex's clients speak):
 * {@code {"model", "query", "documents": [string | {"text"}], "top_n", "return_documents"}} answers
 * {@code {"model", "results": [{"index", "relevance_score", "document": {"text"}}], "usage"}}, most relevant first.
 * {@code texts}, as text-embeddings-inference names them, is taken for {@code documents}. The model is a
 * cross-encoder classification model or an embedding model (cosine).
 */
final class RerankResource {
    private final ModelManager manager;

    RerankResource(ModelManager manager) {
        this.manager = manager;
    }

    void addTo(Routes routes) {
        routes.add("POST", "rerank", this::rerank);
    }

    /** What a rerank request may hold (text-embeddings-inference's and Jina's fields that this endpoint reads). */
    private static final java.util.Set<String> FIELDS = java.util.Set.of("model", "query", "documents", "texts",
        "top_n", "return_documents");

    private void rerank(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
        OpenAiFormat.onlyKnown(body, FIELDS);
        String model = Json.text(body, "model", true);
        String query = Json.text(body, "query", true);
        String field = body.has("documents") || !body.has("texts") ? "documents" : "texts";
        List<String> documents = documents(body, field);
        Integer topN = Json.integer(body, "top_n");
        if (topN != null && topN < 1) {
            throw ApiError.badRequest("top_n", "top_n: must be at least 1, was " + topN);
        }
        boolean returnDocuments = Json.bool(body, "return_documents", true);
        // a client that leaves cancels the ranking (it would otherwise run for nobody)
        RerankResult result = ClientGone.await(x.request(), x.response(),
            ClientTurns.of(manager, x.request()).rerankAsync(model, query, documents).toCompletableFuture());
        List<Map<String, Object>> results = new ArrayList<>();
        for (RerankResult.Ranked r : result.results()) {
            if (topN != null && results.size() >= topN) {
                break;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("index", r.index());
            item.put("relevance_score", r.score());
            if (returnDocuments) {
                item.put("document", Map.of("text", r.document()));
            }
            results.add(item);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model", result.modelId());
        v.put("object", "list");
        v.put("results", results);
        v.put("method", result.method());
        v.put("usage", Map.of("total_tokens", 0));
        x.write(200, v);
    }

    /** Strings, or objects with a {@code text}, as Jina and Cohere accept them. */
    private static List<String> documents(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || v.isArray() && v.isEmpty()) {
            throw ApiError.badRequest(field, field + ": is required (an array of strings)");
        }
        if (!v.isArray()) {
            throw ApiError.badRequest(field, field + ": must be an array of strings, was " + Json.kind(v));
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (item.isTextual()) {
                out.add(item.asText());
            } else if (item.isObject() && item.path("text").isTextual()) {
                out.add(item.get("text").asText());
            } else {
                throw ApiError.badRequest(field + "[" + i + "]", field + "[" + i + "]: must be a string or "
                    + "{\"text\": ...}, was " + Json.kind(item));
            }
        }
        return out;
    }
}
