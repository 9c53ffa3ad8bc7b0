package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;

/**
 * Runs one call on a model: find its worker (loading the model once if needed, bounded by the load timeout),
 * queue the call on it, and retry on another worker when the one found stopped taking calls meanwhile.
 */
final class Calls {
    /** Attempts before giving up on a model whose workers keep going away under the call. */
    private static final int ATTEMPTS = 3;

    /**
     * The body of a call, given the model as the capability it needs, the worker running it, and whether the call
     * has been abandoned (see {@link Worker.Call}).
     */
    @FunctionalInterface
    interface Body<C, R> {
        R run(C model, Worker.Instance worker, java.util.function.BooleanSupplier abandoned) throws Exception;
    }

    private final ManagerContext ctx;

    Calls(ManagerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Runs {@code body} on a worker of {@code entry}.
     *
     * @param allowed    the model types this operation is meant for; other types are refused unless their loaded
     *                   instance happens to offer {@code capability}
     * @param capability the SPI interface the body needs
     * @param operation  what is asked, for error messages ("embed", "chat", ...)
     */
    <C, R> CompletableFuture<R> run(ModelEntry entry, List<ModelType> allowed, Class<C> capability, String operation,
                                    Body<C, R> body) {
        ModelType type = entry.requirement().modelType();
        if (!allowed.contains(type)) {
            Worker worker = entry.state().worker();
            if (worker == null || !capability.isInstance(worker.model())) {
                return CompletableFuture.failedFuture(new ModelException(ErrorCode.CAPABILITY_MISSING, entry.id(),
                    "this " + type + " model cannot " + operation));
            }
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        attempt(entry, capability, operation, body, result, 1, System.nanoTime());
        return result;
    }

    private <C, R> void attempt(ModelEntry entry, Class<C> capability, String operation, Body<C, R> body,
                                CompletableFuture<R> result, int attempt, long start) {
        withLoadTimeout(entry).whenComplete((worker, error) -> {
            if (error != null) {
                finish(entry, result, null, unwrap(error, entry.id()), start);
                return;
            }
            CompletableFuture<R> call = worker.submit((Worker.Instance instance,
                                                       java.util.function.BooleanSupplier abandoned) ->
                body.run(Capabilities.require(entry.id(), entry.requirement().modelType(), instance.model(), capability,
                    operation), instance, () -> abandoned.getAsBoolean() || result.isDone()));
            if (call == null) {
                if (attempt >= ATTEMPTS) {
                    finish(entry, result, null, new ModelException(ErrorCode.NOT_LOADED, entry.id(),
                        "the model kept unloading while the call waited for it"), start);
                } else {
                    attempt(entry, capability, operation, body, result, attempt + 1, start);
                }
                return;
            }
            call.whenComplete((value, failure) ->
                finish(entry, result, value, failure == null ? null : unwrap(failure, entry.id()), start));
            // A caller that cancels its future gives up the queued call too.
            result.whenComplete((value, failure) -> {
                if (failure instanceof CancellationException) {
                    call.cancel(false);
                }
            });
        });
    }

    /** Counts the call, then completes it: a caller that sees the result also sees it counted. */
    private static <R> void finish(ModelEntry entry, CompletableFuture<R> result, R value, ModelException failure,
                                   long start) {
        entry.used(failure != null, System.nanoTime() - start, value);
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }

    /** The entry's worker future, failing with {@code TIMEOUT} when the load takes longer than allowed. */
    private CompletableFuture<Worker> withLoadTimeout(ModelEntry entry) {
        CompletableFuture<Worker> worker = entry.worker();
        if (worker.isDone()) {
            return worker;
        }
        Duration timeout = ctx.settings().loadTimeout();
        // A copy, so that the timeout fails only this caller's wait, not the load other callers share.
        return worker.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The {@link ModelException} behind a future's failure. */
    static ModelException unwrap(Throwable error, String modelId) {
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

    /**
     * Waits for a call and returns its value, rethrowing its failure as a {@link ModelException} whose stack shows
     * the caller (the original is its cause).
     */
    static <R> R await(CompletableFuture<R> future, String modelId) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, modelId, "interrupted while waiting for the model", e);
        } catch (ExecutionException | CancellationException e) {
            ModelException cause = unwrap(e, modelId);
            throw new ModelException(cause.code(), cause.modelId(), cause.field(), cause.reason(), cause);
        }
    }
}
