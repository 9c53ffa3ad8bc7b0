package dev.modelmanager.core.internal.exec;

import java.util.List;
import java.util.concurrent.Flow;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationChunk;

/** The Reactive Streams TCK against {@code ModelManager.streamChat}. */
public class ChatStreamTckTest extends ManagerStreamVerification {
    @Override
    public Flow.Publisher<GenerationChunk> createFlowPublisher(long elements) {
        return manager.streamChat("story", List.of(ChatMessage.user(prompt(elements))), null);
    }
}
