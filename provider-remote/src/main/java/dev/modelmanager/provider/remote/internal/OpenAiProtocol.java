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
import dev.modelmanager.api.ResponseFormat;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.TokenSink;

/**
 * OpenAI-compatible servers (OpenAI, vLLM, llama.cpp server, TGI, LM Studio, another model manager):
 * {@code /v1/models}, {@code /v1/embeddings}, {@code /v1/chat/completions} and {@code /v1/completions}, streamed as
 * server-sent events with usage.
 */
final class OpenAiProtocol extends Protocol {
    private final String prefix;

    OpenAiProtocol(RemoteEndpoint endpoint) {
        super(endpoint);
        this.prefix = endpoint.settings().baseUrl().getPath().endsWith("/v1") ? "" : "/v1";
    }

    @Override
    Set<ModelType> modelTypes() {
        return Set.of(ModelType.EMBEDDING, ModelType.TEXT_GENERATION);
    }

    @Override
    List<String> models(String modelId) {
        List<String> ids = new ArrayList<>();
        endpoint.json("GET", prefix + "/models", null, modelId).path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    /** Another model manager says each model's type ({@code model_type}); other servers do not. */
    @Override
    Map<String, String> typedModels() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        endpoint.json("GET", prefix + "/models", null, null).path("data").forEach(m -> out.put(m.path("id").asText(),
            m.path("model_type").isTextual() ? m.path("model_type").asText() : null));
        return out;
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelType type) {
        List<String> known;
        try {
            known = models(modelId);
        } catch (ModelException e) {
            if (e.getMessage().contains("HTTP 404")) {
                return Map.of("discovery", "the endpoint does not list its models");
            }
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, e.reason(), e);
        }
        if (!known.contains(model)) {
            throw missing(modelId, endpoint.name(), model, known);
        }
        return Map.of();
    }

    @Override
    List<float[]> embed(String modelId, String model, List<String> texts) {
        return embedEncoded(modelId, model, texts).vectors();
    }

    /** With the call's {@code usage.prompt_tokens}: the whole call's count (a single text's own), per text unknown. */
    @Override
    EmbeddingModel.Encoded embedEncoded(String modelId, String model, List<String> texts) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("model", model);
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        body.put("encoding_format", "float");
        JsonNode answer = endpoint.json("POST", prefix + "/embeddings", body, modelId);
        JsonNode data = answer.path("data");
        if (!data.isArray()) {
            throw malformedAnswer(modelId, "no 'data' list in the answer to /embeddings");
        }
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").isInt() ? item.path("index").asInt() : -1;
            if (index < 0 || index >= vectors.length) {
                throw malformedAnswer(modelId, "data[" + i + "].index is " + item.path("index") + " for "
                    + texts.size() + " input(s)");
            }
            if (vectors[index] != null) {
                throw malformedAnswer(modelId, "data[" + i + "].index " + index + " comes twice");
            }
            vectors[index] = vector(item.path("embedding"), modelId, "data[" + i + "].embedding");
        }
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null) {
                throw malformedAnswer(modelId, "no embedding for input " + i + " of " + texts.size() + " (data has "
                    + data.size() + ")");
            }
        }
        return EmbeddingModel.Encoded.totalOnly(List.of(vectors), tokensOf(answer.path("usage").path("prompt_tokens")));
    }

    @Override
    Completion chat(String modelId, String model, List<ChatMessage> messages, GenerationOptions options, TokenSink sink) {
        ObjectNode body = body(modelId, model, options);
        putMessages(body, messages);
        return stream(modelId, prefix + "/chat/completions", body, sink, choice -> choice.path("delta").path("content"));
    }

    /**
     * {@code /v1/completions}. Its request has no {@code response_format} in OpenAI's API, and servers that take the
     * field on chat ignore it here (llama.cpp's server): a shape of output is refused rather than sent to be dropped.
     */
    @Override
    Completion generate(String modelId, String model, String prompt, GenerationOptions options, TokenSink sink) {
        if (options.format().kind() != ResponseFormat.Kind.TEXT) {
            throw new ModelException(ErrorCode.CAPABILITY_MISSING, modelId, "response_format", "endpoint '"
                + endpoint.name() + "': OpenAI's completions take no response_format, and servers drop it there; ask "
                + "for " + options.format().type() + " through chat", null);
        }
        ObjectNode body = body(modelId, model, options).put("prompt", prompt);
        return stream(modelId, prefix + "/completions", body, sink, choice -> choice.path("text"));
    }

    private static ObjectNode body(String modelId, String model, GenerationOptions options) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("model", model).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (options.maxOutputLength() != null) {
            body.put("max_tokens", options.maxOutputLength());
        }
        putSampling(body, options, true, "stop");
        ResponseFormat format = options.format();
        switch (format.kind()) {
            case JSON_OBJECT -> body.putObject("response_format").put("type", "json_object");
            case JSON_SCHEMA -> {
                // strict: the server holds the text to the schema, or refuses one it cannot (400, INVALID_INPUT)
                ObjectNode schema = body.putObject("response_format").put("type", "json_schema")
                    .putObject("json_schema").put("name", format.name()).put("strict", true);
                schema.set("schema", schema(format, modelId));
            }
            case TEXT -> {
                // the server's default
            }
        }
        return body;
    }

    private Completion stream(String modelId, String path, ObjectNode body, TokenSink sink,
                              java.util.function.Function<JsonNode, JsonNode> piece) {
        Progress progress = new Progress();
        RemoteEndpoint.Response response = endpoint.call("POST", path, body, modelId);
        readEvents(response, modelId, progress, (type, data) -> {
            if (data.equals("[DONE]")) {
                progress.done = true;
                return false;
            }
            if ("error".equals(type) && !data.startsWith("{")) {
                throw failedMidAnswer(modelId, ErrorCode.INFERENCE_FAILED, data.isBlank() ? "(no message)" : data);
            }
            JsonNode chunk = parse(data, modelId, endpoint.name());
            JsonNode error = chunk.has("error") ? chunk.path("error") : "error".equals(type) ? chunk : null;
            if (error != null) {
                throw failedMidAnswer(modelId, ErrorCode.INFERENCE_FAILED, error.path("message").isTextual()
                    ? error.path("message").asText() : error.isTextual() ? error.asText() : error.toString());
            }
            JsonNode usage = chunk.path("usage");
            if (usage.isObject()) {
                progress.promptTokens = usage.path("prompt_tokens").asInt();
                progress.completionTokens = usage.path("completion_tokens").asInt();
                progress.cachedPromptTokens = usage.path("prompt_tokens_details").path("cached_tokens").asInt();
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode text = piece.apply(choice);
                if (text.isTextual() && !progress.emit(text.asText(), sink)) {
                    progress.finish = FinishReason.CANCELLED;
                    progress.done = true;
                    return false; // closing the response closes the connection: the server stops generating
                }
                String finish = choice.path("finish_reason").asText(null);
                if (finish != null) {
                    progress.finish = "length".equals(finish) ? FinishReason.LENGTH : FinishReason.STOP;
                }
            }
            return true;
        });
        return progress.completion();
    }
}
