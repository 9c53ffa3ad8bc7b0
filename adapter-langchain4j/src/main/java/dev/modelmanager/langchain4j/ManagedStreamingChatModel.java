package dev.modelmanager.langchain4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.langchain4j.internal.ChatRequests;
import dev.modelmanager.langchain4j.internal.ChatResponses;

/**
 * A managed text generation model as a LangChain4j {@link StreamingChatModel}. Each piece the model produces goes
 * to {@link StreamingChatResponseHandler#onPartialResponse} as it comes, on the model's thread (the model waits
 * while the handler runs); then {@code onCompleteResponse} gets the whole {@code AiMessage} with the finish reason
 * and token usage, or {@code onError} the manager's {@link ModelException}. {@link StreamingHandle#cancel()} (from
 * the partial response's context) stops the model's work; no callback follows it. A request the manager cannot
 * serve (tools, JSON response formats, non-text content, penalties) is refused before any work by an
 * {@code UnsupportedFeatureException} thrown from {@code chat}. Thread-safe.
 */
public final class ManagedStreamingChatModel extends ManagedModel<GeneratorRef> implements StreamingChatModel {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedStreamingChatModel.class);

    private final ChatRequestParameters defaults;

    ManagedStreamingChatModel(GeneratorRef handle, boolean owned, ChatRequestParameters defaults) {
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
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        String name = modelName();
        List<ChatMessage> messages = ChatRequests.messages(handle().modelId(), request.messages());
        GenerationOptions options = ChatRequests.options(handle().modelId(), name, request.parameters());
        Stream stream = new Stream(handler);
        CompletableFuture<GenerationResult> running;
        try {
            running = handle().streamChat(messages, options, stream::piece);
        } catch (ModelException e) {
            handler.onError(e);
            return;
        }
        stream.running(running);
        running.whenComplete((result, error) -> {
            if (stream.isCancelled()) {
                return;
            }
            if (error != null) {
                handler.onError(unwrap(error));
            } else {
                handler.onCompleteResponse(ChatResponses.of(result, name));
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }


    /** One streamed answer: its handler and the handle that cancels it. */
    private static final class Stream implements StreamingHandle {
        private final StreamingChatResponseHandler handler;
        private final PartialResponseContext context = new PartialResponseContext(this);
        private volatile CompletableFuture<GenerationResult> running;
        private volatile boolean cancelled;

        Stream(StreamingChatResponseHandler handler) {
            this.handler = handler;
        }

        void running(CompletableFuture<GenerationResult> future) {
            running = future;
            if (cancelled) {
                future.cancel(true);
            }
        }

        void piece(String text) {
            if (cancelled || text.isEmpty()) {
                return;
            }
            try {
                handler.onPartialResponse(new PartialResponse(text), context);
            } catch (RuntimeException e) {
                // As LangChain4j's own streaming models do: a failing handler is logged, the stream goes on.
                LOG.warn("StreamingChatResponseHandler.onPartialResponse failed", e);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            CompletableFuture<GenerationResult> future = running;
            if (future != null) {
                future.cancel(true);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
