package dev.modelmanager.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.TokenUsage;

/**
 * One streamed generation, timed: from the call that asks for the stream to its first piece of text (time to
 * first token), and the whole text with the usage of the last chunk.
 *
 * @param firstTokenNanos from the call to the first chunk with text
 * @param text            every chunk's text, joined
 * @param usage           the last chunk's usage
 */
record TimedStream(long firstTokenNanos, String text, TokenUsage usage) {

    /** Calls {@code stream} (the timer starts before it), subscribes and waits for the end. */
    static TimedStream run(Supplier<Flow.Publisher<GenerationChunk>> stream) throws Exception {
        CompletableFuture<TimedStream> done = new CompletableFuture<>();
        long start = System.nanoTime();
        stream.get().subscribe(new Flow.Subscriber<>() {
            private final StringBuilder text = new StringBuilder();
            private long first = -1;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(GenerationChunk chunk) {
                if (first < 0 && !chunk.text().isEmpty()) {
                    first = System.nanoTime() - start;
                }
                text.append(chunk.text());
                if (chunk.last()) {
                    done.complete(new TimedStream(first, text.toString(), chunk.usage()));
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                done.completeExceptionally(new IllegalStateException("the stream ended without a last chunk"));
            }
        });
        return done.get(10, TimeUnit.MINUTES);
    }
}
