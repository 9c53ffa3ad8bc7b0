package dev.modelmanager.provider.remote.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.TokenSink;

/**
 * Ollama: {@code /api/tags} and {@code /api/ps} for discovery, loading by an empty generate with {@code keep_alive},
 * unloading with {@code keep_alive: 0}, {@code /api/embed}, and {@code /api/chat} and {@code /api/generate} streamed
 * as newline-delimited JSON.
 */
final class OllamaProtocol extends Protocol {
    OllamaProtocol(RemoteEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    Set<ModelType> modelTypes() {
        return Set.of(ModelType.EMBEDDING, ModelType.TEXT_GENERATION);
    }

    @Override
    List<String> models(String modelId) {
        List<String> names = new ArrayList<>();
        endpoint.json("GET", "/api/tags", null, modelId).path("models").forEach(m -> names.add(m.path("name").asText()));
        return names;
    }

    /** The models the server holds in memory now, with when each expires. */
    Map<String, String> running(String modelId) {
        Map<String, String> running = new java.util.TreeMap<>();
        endpoint.json("GET", "/api/ps", null, modelId).path("models")
            .forEach(m -> running.put(m.path("name").asText(), m.path("expires_at").asText("")));
        return running;
    }

    private String keepAlive() {
        return endpoint.settings().keepAlive().toSeconds() + "s";
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelType type) {
        List<String> known = models(modelId);
        if (!known.contains(model) && !known.contains(model + ":latest")) {
            throw missing(modelId, endpoint.name(), model, known);
        }
        if (type == ModelType.EMBEDDING) {
            // Embedding models load with their first embedding; the answer also tells the dimension.
            embed(modelId, model, List.of("load"));
        } else {
            endpoint.json("POST", "/api/generate", RemoteEndpoint.JSON.createObjectNode().put("model", model)
                .put("keep_alive", keepAlive()), modelId);
        }
        Map<String, String> running = running(modelId);
        String expires = running.getOrDefault(model, running.getOrDefault(model + ":latest", "?"));
        return Map.of("ollama.expires_at", expires);
    }

    @Override
    void unload(String modelId, String model) {
        endpoint.json("POST", "/api/generate", RemoteEndpoint.JSON.createObjectNode().put("model", model)
            .put("keep_alive", 0), modelId);
    }

    @Override
    void keepAlive(String modelId, String model) {
        endpoint.json("POST", "/api/generate", RemoteEndpoint.JSON.createObjectNode().put("model", model)
            .put("keep_alive", keepAlive()), modelId);
    }

    @Override
    List<float[]> embed(String modelId, String model, List<String> texts) {
        return embedEncoded(modelId, model, texts).vectors();
    }

    /** With the call's {@code prompt_eval_count}: the whole call's count (a single text's own), per text unknown. */
    @Override
    EmbeddingModel.Encoded embedEncoded(String modelId, String model, List<String> texts) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("model", model).put("keep_alive", keepAlive());
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        JsonNode answer = endpoint.json("POST", "/api/embed", body, modelId);
        JsonNode embeddings = answer.path("embeddings");
        if (!embeddings.isArray() || embeddings.size() != texts.size()) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + endpoint.name() + "' answered "
                + embeddings.size() + " embeddings for " + texts.size() + " texts");
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int i = 0; i < embeddings.size(); i++) {
            vectors.add(vector(embeddings.get(i), modelId, "embeddings[" + i + "]"));
        }
        return EmbeddingModel.Encoded.totalOnly(vectors, tokensOf(answer.path("prompt_eval_count")));
    }

    @Override
    Completion chat(String modelId, String model, List<ChatMessage> messages, GenerationOptions options, TokenSink sink) {
        ObjectNode body = body(modelId, model, options);
        putMessages(body, messages);
        return stream(modelId, "/api/chat", body, sink, line -> line.path("message").path("content"));
    }

    @Override
    Completion generate(String modelId, String model, String prompt, GenerationOptions options, TokenSink sink) {
        return stream(modelId, "/api/generate", body(modelId, model, options).put("prompt", prompt), sink,
            line -> line.path("response"));
    }

    private ObjectNode body(String modelId, String model, GenerationOptions options) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("model", model).put("stream", true)
            .put("keep_alive", keepAlive());
        ObjectNode o = body.putObject("options");
        if (options.maxOutputLength() != null) {
            o.put("num_predict", options.maxOutputLength());
        }
        putSampling(o, options, true, "stop");
        switch (options.format().kind()) {
            case JSON_OBJECT -> body.put("format", "json");
            case JSON_SCHEMA -> body.set("format", schema(options.format(), modelId));
            case TEXT -> {
                // free text
            }
        }
        return body;
    }

    private Completion stream(String modelId, String path, ObjectNode body, TokenSink sink,
                              java.util.function.Function<JsonNode, JsonNode> piece) {
        Progress progress = new Progress();
        RemoteEndpoint.Response response = endpoint.call("POST", path, body, modelId);
        readLines(response, modelId, progress, line -> {
            if (line.has("error")) {
                throw failedMidAnswer(modelId, ErrorCode.INFERENCE_FAILED, line.path("error").isTextual()
                    ? line.path("error").asText() : line.path("error").toString());
            }
            JsonNode text = piece.apply(line);
            if (text.isTextual() && !progress.emit(text.asText(), sink)) {
                progress.finish = FinishReason.CANCELLED;
                progress.done = true;
                return false;
            }
            if (line.path("done").asBoolean(false)) {
                progress.done = true;
                progress.finish = "length".equals(line.path("done_reason").asText()) ? FinishReason.LENGTH
                    : FinishReason.STOP;
                progress.promptTokens = line.path("prompt_eval_count").asInt();
                progress.completionTokens = line.path("eval_count").asInt();
                return false;
            }
            return true;
        });
        return progress.completion();
    }
}
