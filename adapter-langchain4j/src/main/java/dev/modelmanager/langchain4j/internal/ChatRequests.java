package dev.modelmanager.langchain4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.Json;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.langchain4j.ModelManagerChatRequestParameters;

/**
 * A LangChain4j {@link ChatRequest} as the manager's conversation and {@link GenerationOptions}. What the manager
 * cannot do (tools, JSON response formats, images and other non-text content, penalties) is refused with an
 * {@link UnsupportedFeatureException} naming it, before any work, never dropped.
 */
public final class ChatRequests {
    private ChatRequests() {
    }

    /** The conversation: system, user and AI messages, in order. */
    public static List<ChatMessage> messages(String modelId, List<dev.langchain4j.data.message.ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ModelException.invalidInput(modelId, "messages", "a chat request needs at least one message");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (dev.langchain4j.data.message.ChatMessage m : messages) {
            out.add(message(modelId, m));
        }
        return out;
    }

    private static ChatMessage message(String modelId, dev.langchain4j.data.message.ChatMessage message) {
        if (message instanceof SystemMessage system) {
            return ChatMessage.system(system.text());
        }
        if (message instanceof UserMessage user) {
            return ChatMessage.user(text(modelId, user));
        }
        if (message instanceof AiMessage ai) {
            if (ai.hasToolExecutionRequests()) {
                throw unsupported(modelId, "tool execution requests in AI messages ("
                    + ai.toolExecutionRequests().stream().map(r -> r.name()).collect(Collectors.joining(", ")) + ")");
            }
            if (ai.images() != null && !ai.images().isEmpty()) {
                throw unsupported(modelId, "images in AI messages");
            }
            return ChatMessage.assistant(ai.text() == null ? "" : ai.text());
        }
        throw unsupported(modelId, message.type() + " messages");
    }

    private static String text(String modelId, UserMessage user) {
        if (user.hasSingleText()) {
            return user.singleText();
        }
        List<String> texts = new ArrayList<>();
        for (Content content : user.contents()) {
            if (!(content instanceof TextContent text)) {
                throw unsupported(modelId, content.type() + " content in user messages");
            }
            texts.add(text.text());
        }
        return String.join("\n", texts);
    }

    /** The generation options of the request's parameters ({@code null} fields keep the model's defaults). */
    public static GenerationOptions options(String modelId, String modelName, ChatRequestParameters p) {
        if (p == null) {
            return GenerationOptions.DEFAULTS;
        }
        List<ToolSpecification> tools = p.toolSpecifications();
        if (tools != null && !tools.isEmpty()) {
            throw unsupported(modelId, "tools (tool specifications "
                + tools.stream().map(ToolSpecification::name).collect(Collectors.joining(", ")) + ")");
        }
        if (p.toolChoice() == ToolChoice.REQUIRED) {
            throw unsupported(modelId, "tool choice REQUIRED");
        }
        if (p.frequencyPenalty() != null) {
            throw unsupported(modelId, "frequencyPenalty");
        }
        if (p.presencePenalty() != null) {
            throw unsupported(modelId, "presencePenalty");
        }
        if (p.modelName() != null && !p.modelName().equals(modelId) && !p.modelName().equals(modelName)) {
            throw ModelException.invalidInput(modelId, "modelName", "this chat model serves model '" + modelId
                + "' (" + modelName + "), not '" + p.modelName() + "'");
        }
        Long seed = p instanceof ModelManagerChatRequestParameters ours ? ours.seed() : null;
        try {
            return new GenerationOptions(p.maxOutputTokens(), p.temperature(), p.topK(), p.topP(), seed,
                p.stopSequences(), null, responseFormat(p.responseFormat()));
        } catch (ModelException e) {
            throw e.forModel(modelId);
        }
    }

    /**
     * LangChain4j's JSON response format as the manager's: any JSON object, or JSON of the request's schema (as JSON
     * Schema text, LangChain4j's own rendering). A model that cannot hold to it is refused by the manager.
     */
    static dev.modelmanager.api.ResponseFormat responseFormat(ResponseFormat format) {
        if (format == null || format.type() != ResponseFormatType.JSON) {
            return null;
        }
        JsonSchema schema = format.jsonSchema();
        if (schema == null || schema.rootElement() == null) {
            return dev.modelmanager.api.ResponseFormat.JSON_OBJECT;
        }
        String name = schema.name() == null ? null : schema.name().replaceAll("[^A-Za-z0-9_-]", "_");
        return dev.modelmanager.api.ResponseFormat.jsonSchema(name == null || name.isEmpty() ? null
            : name.substring(0, Math.min(64, name.length())),
            Json.toJson(JsonSchemaElementJsonUtils.toMap(schema.rootElement())));
    }

    private static UnsupportedFeatureException unsupported(String modelId, String what) {
        return new UnsupportedFeatureException("model '" + modelId + "' through the model manager does not support "
            + what);
    }
}
