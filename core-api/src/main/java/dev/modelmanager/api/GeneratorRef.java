package dev.modelmanager.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a text generation model.
 *
 * <p>{@link #stream(String, GenerationOptions, Consumer)} is the short way to stream: each piece goes to the
 * consumer as the model produces it, <em>on the model's thread</em>, and the model waits while the consumer runs (a
 * slow consumer slows the generation, and holds one of the model's slots, up to the stream stall timeout). The
 * returned future completes with the whole result (finish reason and usage) after the last piece; cancelling it
 * ({@code cancel(true)} or {@code cancel(false)}) stops the model's work at its next piece. For backpressure of your
 * own, use {@link #publisher}.
 */
@ProviderType
public interface GeneratorRef extends ModelRef {
    GenerationResult generate(String prompt, GenerationOptions options);

    CompletionStage<GenerationResult> generateAsync(String prompt, GenerationOptions options);

    GenerationResult chat(List<ChatMessage> messages, GenerationOptions options);

    CompletionStage<GenerationResult> chatAsync(List<ChatMessage> messages, GenerationOptions options);

    /** Streams a continuation to {@code onPiece}; see the class comment for threads and cancellation. */
    CompletableFuture<GenerationResult> stream(String prompt, GenerationOptions options, Consumer<String> onPiece);

    /** {@link #stream(String, GenerationOptions, Consumer)} for a conversation. */
    CompletableFuture<GenerationResult> streamChat(List<ChatMessage> messages, GenerationOptions options,
                                                   Consumer<String> onPiece);

    /** The generation as a cold {@link Flow.Publisher} with backpressure, as {@link ModelManager#stream}. */
    Flow.Publisher<GenerationChunk> publisher(String prompt, GenerationOptions options);
}
