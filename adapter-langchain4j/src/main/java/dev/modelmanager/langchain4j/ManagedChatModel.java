package dev.modelmanager.langchain4j;

import java.util.concurrent.CompletableFuture;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.langchain4j.internal.ChatRequests;
import dev.modelmanager.langchain4j.internal.ChatResponses;

/**
 * A managed text generation model as a LangChain4j {@link ChatModel}: a request's system, user and AI messages go to
 * the manager's {@code chat} (the model's chat template applies), its parameters become the call's generation
 * options. Tools, JSON response formats, non-text content and penalties are refused with an
 * {@code UnsupportedFeatureException} naming them; the manager's failures are its
 * {@link dev.modelmanager.api.ModelException}s, unchanged. Thread-safe.
 */
public final class ManagedChatModel extends ManagedModel<GeneratorRef> implements ChatModel {
    private final ChatRequestParameters defaults;

    ManagedChatModel(GeneratorRef handle, boolean owned, ChatRequestParameters defaults) {
        super(handle, owned);
        this.defaults = defaults;
    }

    /** See {@link ManagedModel#loadedCapabilities()}: a JSON schema while the loaded model holds to one. */
    @Override
    public java.util.Set<dev.langchain4j.model.chat.Capability> supportedCapabilities() {
        return loadedCapabilities();
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String name = modelName();
        return ChatResponses.of(handle().chat(ChatRequests.messages(handle().modelId(), request.messages()),
            ChatRequests.options(handle().modelId(), name, request.parameters())), name);
    }

    @Override
    public CompletableFuture<ChatResponse> doChatAsync(ChatRequest request) {
        String name = modelName();
        return handle().chatAsync(ChatRequests.messages(handle().modelId(), request.messages()),
                ChatRequests.options(handle().modelId(), name, request.parameters()))
            .thenApply(result -> ChatResponses.of(result, name)).toCompletableFuture();
    }

}
