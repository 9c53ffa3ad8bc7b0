package dev.modelmanager.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ResponseFormat;
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
            String role;
            try {
                role = Json.text(m, "role", true);
            } catch (ApiError e) { // named where it is: messages[i].role
                throw ApiError.badRequest(field + ".role", field + "." + e.getMessage());
            }
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

    /**
     * The sampling options and the shape of output of a chat or completion request. Fields that would change what
     * comes back and that no provider here honours (tools, log-probabilities, penalties, echo) are refused by name,
     * so that a client never takes an answer made without them for one made with them.
     */
    static GenerationOptions options(ObjectNode body, boolean chat) {
        onlyKnown(body, chat ? CHAT_FIELDS : COMPLETION_FIELDS);
        refuseUnsupported(body, chat);
        if (body.hasNonNull("stream_options") && !Json.bool(body, "stream", false)) {
            throw ApiError.badRequest("stream_options", "stream_options: only with stream: true");
        }
        Integer n = Json.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiError.badRequest("n", "n: only 1 choice per request is supported, was " + n);
        }
        String maxField = outputField(body);
        Integer max = Json.integer(body, maxField);
        List<String> stop = Json.texts(body, "stop");
        Double temperature = Json.decimal(body, "temperature");
        if (temperature != null && temperature > 2) { // OpenAI's range; 0 to 2
            throw ApiError.badRequest("temperature", "temperature: must be between 0 and 2, was " + temperature);
        }
        Double topP = Json.decimal(body, "top_p");
        if (topP != null && topP == 0) {
            // OpenAI allows 0: no mass but the likeliest token's, which is greedy decoding.
            topP = null;
            temperature = 0.0;
        }
        try {
            return GenerationOptions.builder()
                .maxOutputLength(max)
                .temperature(temperature)
                .topP(topP)
                .topK(Json.integer(body, "top_k"))
                .seed(Json.longValue(body, "seed"))
                .stop(stop == null ? List.of() : stop)
                .responseFormat(responseFormat(body))
                .build();
        } catch (ModelException e) {
            String field = "max_output_length".equals(e.field()) ? maxField : e.field();
            throw ApiError.badRequest(field, e.getMessage().replace("max_output_length", maxField));
        }
    }

    /** The output-limit field the request names: {@code max_completion_tokens} when given, else {@code max_tokens}. */
    static String outputField(ObjectNode body) {
        return body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    }

    private static void refuseUnsupported(ObjectNode body, boolean chat) {
        if (chat) {
            if (nonEmptyArray(body, "tools") || nonEmptyArray(body, "functions")) {
                String field = nonEmptyArray(body, "tools") ? "tools" : "functions";
                throw unsupported(field, "tool and function calling is not supported; send the request without "
                    + field);
            }
            for (String field : List.of("tool_choice", "function_call")) {
                JsonNode choice = body.get(field);
                if (choice != null && !choice.isNull() && !(choice.isTextual()
                    && List.of("none", "auto").contains(choice.asText()))) {
                    throw unsupported(field, "tool and function calling is not supported (only \"none\" or \"auto\" "
                        + "without tools)");
                }
            }
            if (Json.bool(body, "logprobs", false) || body.hasNonNull("top_logprobs")) {
                throw unsupported(body.hasNonNull("top_logprobs") ? "top_logprobs" : "logprobs",
                    "log-probabilities are not supported");
            }
            JsonNode modalities = body.get("modalities");
            if (modalities != null && !modalities.isNull() && !modalities.isArray()) {
                throw ApiError.badRequest("modalities", "modalities: must be an array such as [\"text\"], was "
                    + Json.kind(modalities));
            }
            if (modalities != null && modalities.isArray()) {
                for (JsonNode m : modalities) {
                    if (!"text".equals(m.asText())) {
                        throw unsupported("modalities", "only text output is supported, was " + m.asText());
                    }
                }
            }
            if (body.hasNonNull("audio")) {
                throw unsupported("audio", "audio output is not supported");
            }
        } else {
            if (body.hasNonNull("logprobs")) {
                throw unsupported("logprobs", "log-probabilities are not supported");
            }
            if (Json.bool(body, "echo", false)) {
                throw unsupported("echo", "echoing the prompt is not supported");
            }
            if (body.hasNonNull("suffix") && !body.get("suffix").asText().isEmpty()) {
                throw unsupported("suffix", "insertion (a suffix after the completion) is not supported");
            }
            Integer bestOf = Json.integer(body, "best_of");
            if (bestOf != null && bestOf != 1) {
                throw unsupported("best_of", "only 1 candidate per request is supported, was " + bestOf);
            }
        }
        for (String field : List.of("frequency_penalty", "presence_penalty")) {
            Double penalty = Json.decimal(body, field);
            if (penalty != null && penalty != 0) {
                throw unsupported(field, "penalties are not supported; leave " + field + " out or 0");
            }
        }
        JsonNode bias = body.get("logit_bias");
        if (bias != null && !bias.isNull() && !(bias.isObject() && bias.isEmpty())) {
            throw unsupported("logit_bias", "logit_bias is not supported");
        }
    }

    /**
     * {@code response_format}: {@code text}, {@code json_object}, or {@code json_schema} with its
     * {@code json_schema.schema} (and {@code name}). A schema is held to whatever {@code strict} says: llama.cpp
     * samples under its grammar, remote servers get it strict. A model that cannot is refused by the manager.
     */
    private static ResponseFormat responseFormat(ObjectNode body) {
        ObjectNode format = Json.object(body, "response_format");
        if (format == null) {
            return null;
        }
        JsonNode type = format.get("type");
        if (type == null || !type.isTextual()) {
            throw ApiError.badRequest("response_format.type", "response_format.type: is required (text, json_object "
                + "or json_schema)");
        }
        return switch (type.asText()) {
            case "text" -> null;
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode spec = format.path("json_schema");
                if (!spec.path("schema").isObject()) {
                    throw ApiError.badRequest("response_format.json_schema.schema", "response_format.json_schema."
                        + "schema: is required, an object (the JSON Schema the answer must match)");
                }
                JsonNode name = spec.path("name");
                if (!name.isMissingNode() && !name.isNull() && !name.isTextual()) {
                    throw ApiError.badRequest("response_format.json_schema.name", "response_format.json_schema.name: "
                        + "must be a string, was " + Json.kind(name));
                }
                try {
                    yield ResponseFormat.jsonSchema(name.isTextual() ? name.asText() : null,
                        spec.get("schema").toString());
                } catch (ModelException e) {
                    throw ApiError.badRequest("response_format.json_schema.name", e.getMessage()
                        .replace("response_format.name", "response_format.json_schema.name"));
                }
            }
            default -> throw new ApiError(400, "invalid_request_error", "unsupported_value", "response_format.type",
                "response_format.type: must be text, json_object or json_schema, was " + type.asText());
        };
    }

    private static boolean nonEmptyArray(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull() && !(v.isArray() && v.isEmpty());
    }

    /**
     * The fields of a chat request: those read, those refused by name (tools, log-probabilities, penalties, audio),
     * and those that change nothing here and are taken without effect ({@code user}, {@code store},
     * {@code metadata}, {@code service_tier}, {@code parallel_tool_calls}, {@code prompt_cache_key},
     * {@code safety_identifier}: the answer is the same with or without them).
     */
    static final java.util.Set<String> CHAT_FIELDS = java.util.Set.of("model", "messages", "max_tokens",
        "max_completion_tokens", "temperature", "top_p", "top_k", "n", "stop", "stream", "stream_options", "seed",
        "response_format", "tools", "functions", "tool_choice", "function_call", "logprobs", "top_logprobs",
        "modalities", "audio", "frequency_penalty", "presence_penalty", "logit_bias", "user", "store", "metadata",
        "service_tier", "parallel_tool_calls", "prompt_cache_key", "safety_identifier");

    /** The fields of a completion request, as {@link #CHAT_FIELDS}. */
    static final java.util.Set<String> COMPLETION_FIELDS = java.util.Set.of("model", "prompt", "max_tokens",
        "max_completion_tokens", "temperature", "top_p", "top_k", "n", "stop", "stream", "stream_options", "seed",
        "response_format", "logprobs", "echo", "suffix", "best_of", "frequency_penalty", "presence_penalty",
        "logit_bias", "user");

    /**
     * Refuses a field the endpoint does not know (OpenAI answers an unrecognised argument with 400 too): a typo
     * such as {@code max_token}, or a newer option that would change the answer, is never dropped silently. A
     * field given as {@code null} counts as absent.
     */
    static void onlyKnown(ObjectNode body, java.util.Set<String> known) {
        var names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name) && !body.get(name).isNull()) {
                throw unsupported(shownName(name), "is not a field this endpoint knows; leave it out");
            }
        }
    }

    /**
     * A field name as an error may repeat it: as given when it is a plain name, otherwise JSON-quoted (an empty name,
     * control characters) and cut at 64 characters.
     */
    private static String shownName(String name) {
        if (name.matches("[A-Za-z0-9_.-]{1,64}")) {
            return name;
        }
        String cut = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        try {
            return Json.MAPPER.writeValueAsString(cut);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "(a field with an unprintable name)";
        }
    }

    /** OpenAI's own answer to a parameter a model does not take: 400, {@code unsupported_parameter}. */
    private static ApiError unsupported(String field, String why) {
        return new ApiError(400, "invalid_request_error", "unsupported_parameter", field, field + ": " + why);
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

    /**
     * OpenAI's {@code finish_reason}. {@code CANCELLED} never gets here: see {@link #finished}.
     */
    static String finish(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case LENGTH -> "length";
            case STOP -> "stop";
            case CANCELLED -> throw cutShort();
        };
    }

    /**
     * A whole answer, or the error of one the server stopped: a generation that ended {@code CANCELLED} while its
     * client waited was stopped by an unload, an eviction or the manager stopping, and its text is not the answer.
     */
    static GenerationResult finished(GenerationResult result) {
        if (result.finishReason() == FinishReason.CANCELLED) {
            throw cutShort();
        }
        return result;
    }

    /** 503: the model stopped the generation before it was complete (OpenAI never reports a cut answer as done). */
    static ApiError cutShort() {
        return new ApiError(503, "server_error", "generation_stopped", null, "the model stopped this generation "
            + "before it was complete (it was unloaded, evicted or the server is stopping); call again");
    }
}
