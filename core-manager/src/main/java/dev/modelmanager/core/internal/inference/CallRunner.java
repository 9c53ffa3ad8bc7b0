package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.core.internal.exec.Failures;
import dev.modelmanager.core.internal.exec.Instance;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.lifecycle.EntryState;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * Runs one call on a model: find its worker pool (loading the model once if needed, bounded by the load timeout),
 * run the call on it, and retry on the next pool when the one found stopped taking calls meanwhile. A blocking call
 * on a loaded model with a free slot runs on the caller's thread and allocates no future; an asynchronous call
 * completes the one future its caller holds. Its calls wait in a busy pool's queue as {@code queuedAs}: requesters
 * take turns there, each one's calls first come, first served.
 */
final class CallRunner {
    /** Attempts before giving up on a model whose pools keep going away under the call. */
    private static final int ATTEMPTS = 3;

    /** The body of a call: the model as the capability it needs, the instance running it, and whether it is abandoned. */
    @FunctionalInterface
    interface Body<C, R> {
        R run(C model, Instance instance, BooleanSupplier abandoned) throws Exception;
    }

    private final Supplier<? extends InferenceSettings> settings;
    private final Object queuedAs;

    /**
     * @param queuedAs whom its calls wait as when a model's slots are all busy (the requester, or a client of it);
     *                 compared with {@code equals}
     */
    CallRunner(Supplier<? extends InferenceSettings> settings, Object queuedAs) {
        this.settings = settings;
        this.queuedAs = queuedAs;
    }

    InferenceSettings settings() {
        return settings.get();
    }

    /** Runs a call and waits for it, on the caller's thread when a slot is free. */
    <C, R> R call(ModelEntry entry, Operation<C> op, Body<C, R> body) {
        op.check(entry);
        WorkerPool.Job<R> job = (instance, abandoned) -> body.run(op.view(entry, instance.model()), instance, abandoned);
        for (int attempt = 1; ; attempt++) {
            WorkerPool pool = awaitPool(entry);
            try {
                return pool.call(queuedAs, job);
            } catch (WorkerPool.NotAccepting e) {
                if (attempt >= ATTEMPTS) {
                    throw keptUnloading(entry);
                }
            }
        }
    }

    /**
     * Runs a call on the pool's threads. {@code before} (the caller's accounting) sees the outcome before the
     * returned future completes with it.
     */
    <C, R> CompletableFuture<R> submit(ModelEntry entry, Operation<C> op, Body<C, R> body,
                                       BiConsumer<? super R, ? super ModelException> before) {
        op.check(entry);
        CompletableFuture<R> result = new CompletableFuture<>();
        WorkerPool.Job<R> job = (instance, abandoned) -> body.run(op.view(entry, instance.model()), instance, abandoned);
        attempt(entry, job, result, before, 1);
        return result;
    }

    private <R> void attempt(ModelEntry entry, WorkerPool.Job<R> job, CompletableFuture<R> result,
                             BiConsumer<? super R, ? super ModelException> before, int attempt) {
        withPool(entry, (pool, error) -> {
            if (error != null) {
                fail(result, before, error);
            } else if (!pool.submit(queuedAs, job, result, before)) {
                if (attempt >= ATTEMPTS) {
                    fail(result, before, keptUnloading(entry));
                } else {
                    attempt(entry, job, result, before, attempt + 1);
                }
            }
        });
    }

    /** Hands the entry's pool to {@code then}: at once when loaded, after the load (bounded) otherwise. */
    void withPool(ModelEntry entry, BiConsumer<WorkerPool, ModelException> then) {
        EntryState s = entry.state();
        WorkerPool loaded = s.pool();
        if (loaded != null && loaded.isAccepting()) {
            then.accept(loaded, null);
            return;
        }
        CompletableFuture<WorkerPool> load = entry.pool();
        if (!load.isDone()) {
            // A copy, so that the timeout fails only this caller's wait, not the load other callers share.
            load = load.copy().orTimeout(settings.get().loadTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        load.whenComplete((pool, error) -> then.accept(pool, error == null ? null : Failures.unwrap(error, entry.id())));
    }

    /** The entry's pool, loading the model first and waiting for it (at most the load timeout). */
    WorkerPool awaitPool(ModelEntry entry) {
        WorkerPool loaded = entry.state().pool();
        if (loaded != null && loaded.isAccepting()) {
            return loaded;
        }
        CompletableFuture<WorkerPool> load = entry.pool();
        Duration timeout = settings.get().loadTimeout();
        try {
            return load.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ModelException(ErrorCode.TIMEOUT, entry.id(), "the model did not load within "
                + timeout.toSeconds() + " s (load.timeout.seconds)", e);
        } catch (ExecutionException e) {
            throw Failures.rethrown(Failures.unwrap(e, entry.id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for the model", e);
        }
    }

    static ModelException keptUnloading(ModelEntry entry) {
        return new ModelException(ErrorCode.NOT_LOADED, entry.id(),
            "the model kept unloading while the call waited for it");
    }

    static <R> void fail(CompletableFuture<R> result, BiConsumer<? super R, ? super ModelException> before,
                         ModelException failure) {
        if (before != null) {
            before.accept(null, failure);
        }
        result.completeExceptionally(failure);
    }
}
