package dev.modelmanager.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.TokenUsage;

/** OpenAI's request fields (messages, sampling options, stream options) and answer shapes (envelope, usage). */
final class OpenAiFormat {
    private OpenAiFormat() {
    }

    static boolean includeUsage(ObjectNode body) {
        ObjectNode streamOptions = Json.object(body, "stream_options");
        return streamOptions != null && Json.bool(streamOptions, "include_usage", false);
    }

    static List<ChatMessage> messages(ObjectNode body) {
        JsonNode node = body.get("messages");
        if (node == null || node.isNull()) {
            throw ApiError.badRequest("messages", "messages: is required");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiError.badRequest("messages", "messages: must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String field = "messages[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode m)) {
                throw ApiError.badRequest(field, field + ": must be an object with role and content");
            }
            String role = Json.text(m, "role", true);
            ChatMessage.Role parsed = switch (role) {
                case "system", "developer" -> ChatMessage.Role.SYSTEM;
                case "user" -> ChatMessage.Role.USER;
                case "assistant" -> ChatMessage.Role.ASSISTANT;
                default -> throw ApiError.badRequest(field + ".role", field + ".role: must be system, developer, user "
                    + "or assistant, was " + role);
            };
            messages.add(new ChatMessage(parsed, content(m.get("content"), field + ".content")));
        }
        return messages;
    }

    /** A message's content: a string, or an array of {@code {"type": "text", "text": ...}} parts. */
    private static String content(JsonNode content, String field) {
        if (content == null || content.isNull()) {
            throw ApiError.badRequest(field, field + ": is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.badRequest(field + "[" + i + "]", field + "[" + i + "]: only text parts "
                        + "({\"type\": \"text\", \"text\": ...}) are supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiError.badRequest(field, field + ": must be a string or an array of text parts, was " + Json.kind(content));
    }

    static GenerationOptions options(ObjectNode body) {
        Integer n = Json.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiError.badRequest("n", "n: only 1 choice per request is supported, was " + n);
        }
        Integer max = Json.integer(body, "max_completion_tokens");
        if (max == null) {
            max = Json.integer(body, "max_tokens");
        }
        List<String> stop = Json.texts(body, "stop");
        try {
            return GenerationOptions.builder()
                .maxOutputLength(max)
                .temperature(Json.decimal(body, "temperature"))
                .topP(Json.decimal(body, "top_p"))
                .topK(Json.integer(body, "top_k"))
                .seed(Json.longValue(body, "seed"))
                .stop(stop == null ? List.of() : stop)
                .build();
        } catch (ModelException e) {
            String field = "max_output_length".equals(e.field()) ? "max_tokens" : e.field();
            throw ApiError.badRequest(field, e.getMessage().replace("max_output_length", "max_tokens"));
        }
    }

    static Map<String, Object> envelope(String id, String object, long created, String model) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("object", object);
        v.put("created", created);
        v.put("model", model);
        return v;
    }

    /** An answer with one choice and the usage, or (choice {@code null}) the usage chunk that ends a stream. */
    static Map<String, Object> answer(String id, String object, long created, String model,
                                              Map<String, Object> choice, Map<String, Object> usage) {
        Map<String, Object> v = envelope(id, object, created, model);
        v.put("choices", choice == null ? List.of() : List.of(choice));
        v.put("usage", usage);
        return v;
    }

    static Map<String, Object> usage(TokenUsage usage) {
        TokenUsage u = usage == null ? TokenUsage.NONE : usage;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("prompt_tokens", u.promptTokens());
        v.put("completion_tokens", u.completionTokens());
        v.put("total_tokens", u.totalTokens());
        v.put("prompt_tokens_details", Map.of("cached_tokens", u.cachedPromptTokens()));
        return v;
    }

    static String finish(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case LENGTH -> "length";
            case STOP, CANCELLED -> "stop";
        };
    }
}
