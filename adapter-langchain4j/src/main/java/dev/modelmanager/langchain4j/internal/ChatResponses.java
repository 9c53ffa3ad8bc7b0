package dev.modelmanager.langchain4j.internal;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.modelmanager.api.GenerationResult;

/** The manager's {@link GenerationResult} as a LangChain4j {@link ChatResponse}. */
public final class ChatResponses {
    private ChatResponses() {
    }

    public static ChatResponse of(GenerationResult result, String modelName) {
        return ChatResponse.builder()
            .aiMessage(AiMessage.from(result.text()))
            .modelName(modelName)
            .tokenUsage(tokenUsage(result.usage()))
            .finishReason(finishReason(result.finishReason()))
            .build();
    }

    /** The counts, or {@code null} when the provider reported none. */
    public static TokenUsage tokenUsage(dev.modelmanager.api.TokenUsage usage) {
        if (usage == null || usage.equals(dev.modelmanager.api.TokenUsage.NONE)) {
            return null;
        }
        return new TokenUsage(usage.promptTokens(), usage.completionTokens(), usage.totalTokens());
    }

    public static FinishReason finishReason(dev.modelmanager.api.FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
