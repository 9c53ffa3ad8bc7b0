package dev.modelmanager.core.internal.handle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationResult;

/**
 * A generation streamed to a consumer of pieces: each piece is handed over on the model's thread as it is made (the
 * model waits while the consumer runs); the future completes with the whole text, finish reason and usage, and
 * cancelling it cancels the subscription, which stops the model's work at its next piece.
 */
final class PieceStream extends CompletableFuture<GenerationResult> implements Flow.Subscriber<GenerationChunk> {
    private final String modelId;
    private final Consumer<String> onPiece;
    private final StringBuilder text = new StringBuilder();
    private final long start = System.nanoTime();
    private volatile Flow.Subscription subscription;

    private PieceStream(String modelId, Consumer<String> onPiece) {
        this.modelId = modelId;
        this.onPiece = onPiece;
    }

    static CompletableFuture<GenerationResult> run(Flow.Publisher<GenerationChunk> publisher, String modelId,
                                                   Consumer<String> onPiece) {
        PieceStream stream = new PieceStream(modelId, onPiece);
        publisher.subscribe(stream);
        return stream;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(GenerationChunk chunk) {
        if (!chunk.text().isEmpty()) {
            text.append(chunk.text());
            try {
                onPiece.accept(chunk.text());
            } catch (RuntimeException e) {
                subscription.cancel(); // the consumer failed: stop the model, fail the call with its exception
                completeExceptionally(e);
                return;
            }
        }
        if (chunk.last()) {
            complete(new GenerationResult(modelId, text.toString(), chunk.finishReason() == null ? FinishReason.STOP
                : chunk.finishReason(), chunk.usage(), Duration.ofNanos(System.nanoTime() - start), null, null));
        }
    }

    @Override
    public void onError(Throwable t) {
        completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        // the last chunk completed the future
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        return cancelled;
    }
}
