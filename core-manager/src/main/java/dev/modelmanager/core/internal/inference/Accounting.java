package dev.modelmanager.core.internal.inference;

import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.api.TransformResult;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * Counts each call once in its model's statistics, whatever batches it was split into or shared: its items (texts
 * embedded, classified or transformed; one generation) and tokens (a generation's; the tokens the model read of
 * embedded texts, where the provider counts them, not those answered from the cache), read from its result. A caller that sees the
 * result also sees it counted, in total and for its requester (the bundle whose manager service it came through).
 */
final class Accounting {
    private Accounting() {
    }

    /** Runs a blocking call that started at {@code start} and counts it, whether it answers or throws. */
    static <R> R counted(ModelEntry entry, String requester, long start, Supplier<R> call) {
        return counted(entry, requester, start, call, NOTHING_READ);
    }

    /**
     * As {@link #counted(ModelEntry, String, long, Supplier)}, for a call whose result does not say what the model
     * read: {@code read} does, once the result is made (an embedding call's tokens read).
     */
    static <R> R counted(ModelEntry entry, String requester, long start, Supplier<R> call, LongSupplier read) {
        R result = null;
        ModelException failure = null;
        try {
            result = call.get();
            return result;
        } catch (ModelException e) {
            failure = e;
            throw e;
        } finally {
            record(entry, requester, start, result, result == null,
                failure != null && failure.code() == ErrorCode.CANCELLED, read);
        }
    }

    private static final LongSupplier NOTHING_READ = () -> 0;

    /** Counts a blocking call that started at {@code start}: its result, or ({@code null}) its failure. */
    static void record(ModelEntry entry, String requester, long start, Object result, ModelException failure) {
        record(entry, requester, start, result, result == null,
            failure != null && failure.code() == ErrorCode.CANCELLED);
    }

    /**
     * Counts a call; {@code cancelled}: its caller cancelled it (a generation that ended {@code CANCELLED} counts
     * as cancelled too).
     */
    static void record(ModelEntry entry, String requester, long start, Object result, boolean failed,
                       boolean cancelled) {
        record(entry, requester, start, result, failed, cancelled, NOTHING_READ);
    }

    private static void record(ModelEntry entry, String requester, long start, Object result, boolean failed,
                               boolean cancelled, LongSupplier read) {
        long items = 0;
        TokenUsage usage = null;
        FinishReason finish = null;
        if (result instanceof EmbeddingResult e) {
            items = e.embeddings().size();
        } else if (result instanceof ClassificationResult c) {
            items = c.classifications().size();
        } else if (result instanceof RerankResult r) {
            items = r.results().size();
        } else if (result instanceof TransformResult t) {
            items = t.outputs().size();
        } else if (result instanceof GenerationResult g) {
            items = 1;
            usage = g.usage();
            finish = g.finishReason();
        } else if (result instanceof Completion c) { // a streamed generation
            items = 1;
            usage = c.usage();
            finish = c.finishReason();
        }
        entry.recordCall(requester, failed, cancelled || finish == FinishReason.CANCELLED, System.nanoTime() - start, items,
            usage != null ? usage.promptTokens() : result == null ? 0 : read.getAsLong(),
            usage == null ? 0 : usage.completionTokens());
    }

    /** The accounting of an asynchronous call, run before its future completes. */
    static <R> BiConsumer<R, ModelException> of(ModelEntry entry, String requester, long start) {
        return of(entry, requester, start, NOTHING_READ);
    }

    /** As {@link #of(ModelEntry, String, long)}, with what the model read where the result does not say it. */
    static <R> BiConsumer<R, ModelException> of(ModelEntry entry, String requester, long start, LongSupplier read) {
        return (value, failure) -> record(entry, requester, start, value, failure != null,
            failure != null && failure.code() == ErrorCode.CANCELLED, read);
    }
}
