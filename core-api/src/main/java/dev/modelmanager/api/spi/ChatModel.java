package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;

/** A loaded model that answers conversations (through its chat template). */
@ConsumerType
public interface ChatModel extends LoadedModel {
    /** Like {@link GenerationModel#generate}, for a conversation. */
    Completion chat(List<ChatMessage> messages, GenerationOptions options, TokenSink sink) throws Exception;
}
