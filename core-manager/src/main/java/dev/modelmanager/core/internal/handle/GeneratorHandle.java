package dev.modelmanager.core.internal.handle;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelManager;

final class GeneratorHandle extends ModelHandle implements GeneratorRef {
    GeneratorHandle(ModelManager manager, String modelId, String requester, Runnable onClose) {
        super(manager, modelId, requester, onClose);
    }

    @Override
    public GenerationResult generate(String prompt, GenerationOptions options) {
        open();
        return manager.generate(modelId, prompt, options);
    }

    @Override
    public CompletionStage<GenerationResult> generateAsync(String prompt, GenerationOptions options) {
        open();
        return manager.generateAsync(modelId, prompt, options);
    }

    @Override
    public GenerationResult chat(List<ChatMessage> messages, GenerationOptions options) {
        open();
        return manager.chat(modelId, messages, options);
    }

    @Override
    public CompletionStage<GenerationResult> chatAsync(List<ChatMessage> messages, GenerationOptions options) {
        open();
        return manager.chatAsync(modelId, messages, options);
    }

    @Override
    public CompletableFuture<GenerationResult> stream(String prompt, GenerationOptions options,
                                                      Consumer<String> onPiece) {
        open();
        return PieceStream.run(manager.stream(modelId, prompt, options), modelId, onPiece);
    }

    @Override
    public CompletableFuture<GenerationResult> streamChat(List<ChatMessage> messages, GenerationOptions options,
                                                          Consumer<String> onPiece) {
        open();
        return PieceStream.run(manager.streamChat(modelId, messages, options), modelId, onPiece);
    }

    @Override
    public Flow.Publisher<GenerationChunk> publisher(String prompt, GenerationOptions options) {
        open();
        return manager.stream(modelId, prompt, options);
    }
}
