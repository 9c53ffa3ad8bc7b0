package dev.modelmanager.provider.remote.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.TextPair;

/**
 * Hugging Face text-embeddings-inference: one model per server, described by {@code GET /info} ({@code model_id},
 * {@code model_type} {@code {"embedding": ...}}, {@code {"classifier": {"id2label"}}} or {@code {"reranker": ...}},
 * {@code max_input_length}, {@code max_client_batch_size}); {@code POST /embed}, {@code POST /predict} (texts as
 * {@code [[text], ...]}, pairs as {@code [[text, text_pair], ...]}) and {@code POST /rerank}. Calls larger than
 * {@code max_client_batch_size} are split. Options: {@code truncate}, {@code normalize} (embeddings, default true),
 * {@code raw_scores} (classification and rerank, default false: probabilities).
 */
final class TeiProtocol extends Protocol {
    /** What {@code /info} says about the server's model. */
    record Info(String modelId, String type, int maxInputLength, int maxClientBatchSize, List<String> labels,
                String version) {
        /** {@code embedding}, {@code classifier} or {@code reranker}. */
        boolean reranker() {
            return "reranker".equals(type);
        }
    }

    private volatile Info info;
    private volatile Map<String, String> options = Map.of();

    TeiProtocol(RemoteEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    Set<ModelType> modelTypes() {
        return Set.of(ModelType.EMBEDDING, ModelType.CLASSIFICATION);
    }

    Info info(String modelId) {
        JsonNode node = endpoint.json("GET", "/info", null, modelId);
        JsonNode type = node.path("model_type");
        String kind = type.isObject() && type.fieldNames().hasNext() ? type.fieldNames().next()
            : type.asText("embedding");
        List<String> labels = new ArrayList<>();
        JsonNode id2label = type.path(kind).path("id2label");
        for (int i = 0; i < id2label.size(); i++) {
            labels.add(id2label.path(String.valueOf(i)).asText("LABEL_" + i));
        }
        return new Info(node.path("model_id").asText(""), kind, node.path("max_input_length").asInt(0),
            Math.max(1, node.path("max_client_batch_size").asInt(32)), labels, node.path("version").asText(""));
    }

    @Override
    List<String> models(String modelId) {
        return List.of(info(modelId).modelId());
    }

    @Override
    Map<String, String> typedModels() {
        Info i = info(null);
        return Map.of(i.modelId(), i.type().equals("embedding") ? ModelType.EMBEDDING.id()
            : i.reranker() ? "reranker" : ModelType.CLASSIFICATION.id());
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelType type) {
        return load(modelId, model, ModelRequirement.builder(type, model).build());
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelRequirement requirement) {
        Info i = info(modelId);
        String tail = i.modelId().substring(i.modelId().lastIndexOf('/') + 1);
        if (!model.equalsIgnoreCase(i.modelId()) && !model.equalsIgnoreCase(tail)) {
            throw missing(modelId, endpoint.name(), model, List.of(i.modelId()));
        }
        boolean embedding = i.type().equals("embedding");
        if ((requirement.modelType() == ModelType.EMBEDDING) != embedding) {
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "endpoint '" + endpoint.name() + "' serves '"
                + i.modelId() + "' (TEI model_type " + i.type() + "), not a " + requirement.modelType().id() + " model");
        }
        options = requirement.options();
        flag(options, "truncate", false);
        flag(options, "normalize", true);
        flag(options, "raw_scores", false);
        info = i;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("tei.model_id", i.modelId());
        facts.put("tei.model_type", i.type());
        facts.put("tei.max_input_length", String.valueOf(i.maxInputLength()));
        facts.put("tei.max_client_batch_size", String.valueOf(i.maxClientBatchSize()));
        if (!i.version().isEmpty()) {
            facts.put("tei.version", i.version());
        }
        return facts;
    }

    private Info loaded(String modelId) {
        Info i = info;
        if (i == null) {
            i = info(modelId);
            info = i;
        }
        return i;
    }

    private static <T> List<List<T>> slices(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            out.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return out;
    }

    @Override
    List<float[]> embed(String modelId, String model, List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (List<String> slice : slices(texts, loaded(modelId).maxClientBatchSize())) {
            ObjectNode body = RemoteEndpoint.JSON.createObjectNode();
            ArrayNode inputs = body.putArray("inputs");
            slice.forEach(inputs::add);
            body.put("normalize", flag(options, "normalize", true)).put("truncate", flag(options, "truncate", false));
            JsonNode answer = endpoint.json("POST", "/embed", body, modelId);
            if (!answer.isArray() || answer.size() != slice.size()) {
                throw malformed(modelId, "/embed", (answer.isArray() ? answer.size() : 0) + " embeddings for "
                    + slice.size() + " texts");
            }
            for (int k = 0; k < answer.size(); k++) {
                vectors.add(vector(answer.get(k), modelId, "/embed answer[" + k + "]"));
            }
        }
        return vectors;
    }

    @Override
    List<List<LabelScore>> classify(String modelId, String model, List<String> texts) {
        List<List<LabelScore>> out = new ArrayList<>(texts.size());
        for (List<String> slice : slices(texts, loaded(modelId).maxClientBatchSize())) {
            ObjectNode body = predictBody();
            ArrayNode inputs = body.putArray("inputs");
            slice.forEach(t -> inputs.addArray().add(t));
            out.addAll(predictions(endpoint.json("POST", "/predict", body, modelId), slice.size(), modelId));
        }
        return out;
    }

    /** Pairs: a reranker's through {@code /rerank}, a classifier's through {@code /predict} with pair inputs. */
    @Override
    List<List<LabelScore>> classifyPairs(String modelId, String model, List<TextPair> pairs) {
        Info i = loaded(modelId);
        if (i.reranker()) {
            return rerank(modelId, i, pairs);
        }
        List<List<LabelScore>> out = new ArrayList<>(pairs.size());
        for (List<TextPair> slice : slices(pairs, i.maxClientBatchSize())) {
            ObjectNode body = predictBody();
            ArrayNode inputs = body.putArray("inputs");
            slice.forEach(p -> inputs.addArray().add(p.text()).add(p.textPair()));
            out.addAll(predictions(endpoint.json("POST", "/predict", body, modelId), slice.size(), modelId));
        }
        return out;
    }

    private ObjectNode predictBody() {
        return RemoteEndpoint.JSON.createObjectNode().put("truncate", flag(options, "truncate", false))
            .put("raw_scores", flag(options, "raw_scores", false));
    }

    /**
     * A batch answer {@code [[{"label", "score"}, ...], ...]} (a single one, {@code [{...}]}, for one input), each
     * input's labels put back in the model's order ({@code id2label}).
     */
    private List<List<LabelScore>> predictions(JsonNode answer, int expected, String modelId) {
        List<List<LabelScore>> out = new ArrayList<>(expected);
        boolean single = answer.isArray() && answer.size() > 0 && answer.get(0).isObject();
        for (JsonNode row : single ? List.of(answer) : answer) {
            List<LabelScore> scores = new ArrayList<>(row.size());
            for (JsonNode p : row) {
                if (!p.path("label").isTextual() || !p.path("score").isNumber()) {
                    throw malformed(modelId, "/predict", "a prediction without label and score: " + p);
                }
                scores.add(new LabelScore(p.path("label").asText(), p.path("score").asDouble()));
            }
            List<String> order = info == null ? List.of() : info.labels();
            if (!order.isEmpty()) {
                // TEI sorts each input's predictions by score; the SPI wants the model's label order (id2label).
                scores.sort(java.util.Comparator.comparingInt(l -> {
                    int at = order.indexOf(l.label());
                    return at < 0 ? Integer.MAX_VALUE : at;
                }));
            }
            out.add(scores);
        }
        if (!answer.isArray() || out.size() != expected) {
            throw malformed(modelId, "/predict", out.size() + " predictions for " + expected + " inputs");
        }
        return out;
    }

    /**
     * Each pair's relevance as one label (the model's own label name when it has one): pairs of one query go to
     * {@code /rerank} together, in slices of {@code max_client_batch_size}; the answer, sorted by score, is put
     * back in the pairs' order by its indices.
     */
    private List<List<LabelScore>> rerank(String modelId, Info i, List<TextPair> pairs) {
        String label = i.labels().size() == 1 ? i.labels().get(0) : "score";
        LabelScore[] scores = new LabelScore[pairs.size()];
        Map<String, List<Integer>> byQuery = new LinkedHashMap<>();
        for (int k = 0; k < pairs.size(); k++) {
            byQuery.computeIfAbsent(pairs.get(k).text(), q -> new ArrayList<>()).add(k);
        }
        for (Map.Entry<String, List<Integer>> query : byQuery.entrySet()) {
            for (List<Integer> slice : slices(query.getValue(), i.maxClientBatchSize())) {
                ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("query", query.getKey());
                ArrayNode texts = body.putArray("texts");
                slice.forEach(k -> texts.add(pairs.get(k).textPair()));
                body.put("truncate", flag(options, "truncate", false))
                    .put("raw_scores", flag(options, "raw_scores", false)).put("return_text", false);
                JsonNode answer = endpoint.json("POST", "/rerank", body, modelId);
                boolean[] seen = new boolean[slice.size()];
                for (JsonNode rank : answer) {
                    int index = rank.path("index").asInt(-1);
                    if (!rank.path("index").canConvertToInt() || index < 0 || index >= slice.size() || seen[index]
                        || !rank.path("score").isNumber()) {
                        throw malformed(modelId, "/rerank", "a rank that is not a new index of the " + slice.size()
                            + " texts with a score: " + rank);
                    }
                    seen[index] = true;
                    scores[slice.get(index)] = new LabelScore(label, rank.path("score").asDouble());
                }
                for (boolean s : seen) {
                    if (!s) {
                        throw malformed(modelId, "/rerank", answer.size() + " ranks for " + slice.size() + " texts");
                    }
                }
            }
        }
        List<List<LabelScore>> out = new ArrayList<>(pairs.size());
        for (LabelScore s : scores) {
            out.add(List.of(s));
        }
        return out;
    }

    private ModelException malformed(String modelId, String path, String what) {
        return new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + endpoint.name() + "' answered "
            + path + " with " + what);
    }
}
