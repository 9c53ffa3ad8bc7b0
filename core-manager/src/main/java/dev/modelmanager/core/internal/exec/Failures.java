package dev.modelmanager.core.internal.exec;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/** Turns whatever a call or a future failed with into the {@link ModelException} a caller gets. */
public final class Failures {
    private Failures() {
    }

    /** The {@link ModelException} behind a failure, unwrapping futures' wrappers. */
    public static ModelException unwrap(Throwable error, String modelId) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ModelException me) {
            return me.modelId() == null ? me.forModel(modelId) : me;
        }
        if (e instanceof TimeoutException) {
            return new ModelException(ErrorCode.TIMEOUT, modelId, "the model did not load in time", e);
        }
        if (e instanceof CancellationException) {
            return new ModelException(ErrorCode.CANCELLED, modelId, "the call was cancelled", e);
        }
        return new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the call failed: " + e, e);
    }

    /** What a failure inside the model becomes: its own {@link ModelException}, or {@code INFERENCE_FAILED}. */
    public static ModelException ofModel(Throwable error, String modelId) {
        if (error instanceof ModelException me) {
            return me.forModel(modelId);
        }
        return new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the model failed: " + error, error);
    }

    /**
     * The same failure thrown again on the caller's thread: a {@link ModelException} whose stack shows the caller
     * (the original is its cause).
     */
    public static ModelException rethrown(ModelException cause) {
        return new ModelException(cause.code(), cause.modelId(), cause.field(), cause.reason(), cause);
    }
}
