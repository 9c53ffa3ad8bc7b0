package dev.modelmanager.provider.remote.internal;

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
import dev.modelmanager.api.spi.TokenSink;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}, streamed as server-sent events: {@code message_start},
 * {@code content_block_delta}, {@code message_delta}, {@code message_stop}, {@code error}). Chat only; a plain
 * prompt is sent as one user message. System messages go to the {@code system} field.
 */
final class AnthropicProtocol extends Protocol {
    /** Anthropic requires max_tokens; this is used when neither the call nor the requirement gives one. */
    static final int DEFAULT_MAX_TOKENS = 1024;

    AnthropicProtocol(RemoteEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    Set<ModelType> modelTypes() {
        return Set.of(ModelType.TEXT_GENERATION);
    }

    @Override
    List<String> models(String modelId) {
        List<String> ids = new java.util.ArrayList<>();
        endpoint.json("GET", "/v1/models", null, modelId).path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelType type) {
        // Nothing to load remotely; whether the key and model are good shows at the first call.
        return Map.of();
    }

    @Override
    List<float[]> embed(String modelId, String model, List<String> texts) {
        throw new ModelException(ErrorCode.CAPABILITY_MISSING, modelId, "Anthropic serves no embedding models");
    }

    @Override
    Completion generate(String modelId, String model, String prompt, GenerationOptions options, TokenSink sink) {
        return chat(modelId, model, List.of(ChatMessage.user(prompt)), options, sink);
    }

    @Override
    Completion chat(String modelId, String model, List<ChatMessage> messages, GenerationOptions options, TokenSink sink) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("model", model).put("stream", true)
            .put("max_tokens", options.maxOutputLength() != null ? options.maxOutputLength() : DEFAULT_MAX_TOKENS);
        StringBuilder system = new StringBuilder();
        ArrayNode list = body.putArray("messages");
        for (ChatMessage m : messages) {
            if (m.role() == ChatMessage.Role.SYSTEM) {
                system.append(system.length() == 0 ? "" : "\n\n").append(m.content());
            } else {
                list.addObject().put("role", m.role() == ChatMessage.Role.USER ? "user" : "assistant")
                    .put("content", m.content());
            }
        }
        if (system.length() > 0) {
            body.put("system", system.toString());
        }
        putSampling(body, options, false, "stop_sequences");
        Progress progress = new Progress();
        RemoteEndpoint.Response response = endpoint.call("POST", "/v1/messages", body, modelId);
        readEvents(response, modelId, progress, (type, data) -> {
            JsonNode event = parse(data, modelId, endpoint.name());
            String kind = type != null ? type : event.path("type").asText();
            switch (kind) {
                case "message_start" -> {
                    // input_tokens leaves out what the prompt cache read or wrote: the prompt is all three
                    JsonNode usage = event.path("message").path("usage");
                    progress.cachedPromptTokens = usage.path("cache_read_input_tokens").asInt();
                    progress.promptTokens = usage.path("input_tokens").asInt() + progress.cachedPromptTokens
                        + usage.path("cache_creation_input_tokens").asInt();
                }
                case "content_block_delta" -> {
                    JsonNode delta = event.path("delta");
                    if ("text_delta".equals(delta.path("type").asText()) && !progress.emit(delta.path("text").asText(),
                        sink)) {
                        progress.finish = FinishReason.CANCELLED;
                        progress.done = true;
                        return false;
                    }
                }
                case "message_delta" -> {
                    String stop = event.path("delta").path("stop_reason").asText(null);
                    if (stop != null) {
                        progress.finish = "max_tokens".equals(stop) ? FinishReason.LENGTH : FinishReason.STOP;
                    }
                    if (event.path("usage").has("output_tokens")) {
                        progress.completionTokens = event.path("usage").path("output_tokens").asInt();
                    }
                }
                case "message_stop" -> {
                    progress.done = true;
                    return false;
                }
                case "error" -> {
                    String errorType = event.path("error").path("type").asText();
                    // overloaded_error: Anthropic's 529, the same as a 429 here (try again later)
                    throw failedMidAnswer(modelId, "overloaded_error".equals(errorType) || "rate_limit_error".equals(errorType)
                        ? ErrorCode.OVERLOADED : ErrorCode.INFERENCE_FAILED,
                        errorType + ": " + event.path("error").path("message").asText());
                }
                default -> {
                    // ping, content_block_start, content_block_stop: nothing to do
                }
            }
            return true;
        });
        return progress.completion();
    }
}
