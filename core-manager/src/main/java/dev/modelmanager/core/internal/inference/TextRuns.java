package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.core.internal.exec.BatchRequest;
import dev.modelmanager.core.internal.exec.Failures;
import dev.modelmanager.core.internal.exec.Instance;
import dev.modelmanager.core.internal.exec.MicroBatcher;
import dev.modelmanager.core.internal.exec.MicroBatcher.Done;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * How a call's texts (embedding, classification) reach a model's instances: through the pool's {@link MicroBatcher}
 * when slots are busy, bypassing it (on the caller's thread when blocking) when a slot is free and nothing waits; a
 * pool whose model says its callers' texts must not be merged, or with micro-batching off, gets the call's own
 * batches of {@code batch_size}. One value per text, in order.
 */
final class TextRuns {
    /** A runner with several batchers per operation, one for each key (an embedding prompt). */
    interface Keyed {
        String key();
    }

    private final CallRunner calls;

    TextRuns(CallRunner calls) {
        this.calls = calls;
    }

    /** One value per text, in order: on the caller's thread when a slot is free, through the batcher otherwise. */
    <C, V> List<Done<V>> run(ModelEntry entry, Operation<C> op, MicroBatcher.Runner<C, V> runner,
                             List<String> texts) {
        op.check(entry);
        for (int attempt = 1; ; attempt++) {
            WorkerPool pool = calls.awaitPool(entry);
            if (!calls.settings().microBatching() || !pool.combinesCalls()) {
                return unbatched(entry, op, runner, texts);
            }
            MicroBatcher<C, V> batcher = batcher(pool, entry, op, runner);
            if (batcher.bypassable(texts.size())) {
                Instance instance = pool.tryAcquire();
                if (instance != null) {
                    return pool.runInline(instance, (i, abandoned) -> runDirect(entry, op, runner, i, texts));
                }
            }
            BatchRequest<V> request = batcher.submit(texts);
            if (request != null) {
                return batcher.await(request);
            }
            if (attempt >= 3) {
                throw CallRunner.keptUnloading(entry);
            }
        }
    }

    /** As {@link #run}, on the pool's threads; {@code assemble} makes the caller's result there. */
    <C, V, R> CompletableFuture<R> runAsync(ModelEntry entry, Operation<C> op,
                                            MicroBatcher.Runner<C, V> runner, List<String> texts,
                                            Function<List<Done<V>>, R> assemble,
                                            BiConsumer<R, ModelException> accounting) {
        CompletableFuture<R> result = new CompletableFuture<>();
        try {
            op.check(entry);
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
        attemptAsync(entry, op, runner, texts, assemble, accounting, result, 1);
        return result;
    }

    private <C, V, R> void attemptAsync(ModelEntry entry, Operation<C> op, MicroBatcher.Runner<C, V> runner,
                                        List<String> texts, Function<List<Done<V>>, R> assemble,
                                        BiConsumer<R, ModelException> accounting, CompletableFuture<R> result,
                                        int attempt) {
        calls.withPool(entry, (pool, error) -> {
            if (error != null) {
                CallRunner.fail(result, accounting, error);
                return;
            }
            if (!calls.settings().microBatching() || !pool.combinesCalls()) {
                CompletableFuture<List<Done<V>>> parts = unbatchedAsync(entry, op, runner, texts);
                parts.whenComplete((values, e) -> complete(result, accounting, values, e, assemble, entry));
                result.whenComplete((values, e) -> {
                    if (result.isCancelled()) {
                        parts.cancel(false); // its batches not yet queued are not queued
                    }
                });
                return;
            }
            MicroBatcher<C, V> batcher = batcher(pool, entry, op, runner);
            if (batcher.bypassable(texts.size())) {
                Instance instance = pool.tryAcquire();
                if (instance != null) {
                    pool.dispatch(instance, (i, abandoned) -> assemble.apply(runDirect(entry, op, runner, i, texts)),
                        result, accounting);
                    return;
                }
            }
            BatchRequest<V> request = batcher.submit(texts);
            if (request == null) {
                if (attempt >= 3) {
                    CallRunner.fail(result, accounting, CallRunner.keptUnloading(entry));
                } else {
                    attemptAsync(entry, op, runner, texts, assemble, accounting, result, attempt + 1);
                }
                return;
            }
            request.future().whenComplete((values, e) -> complete(result, accounting, values, e, assemble, entry));
            result.whenComplete((values, e) -> {
                if (result.isCancelled()) {
                    batcher.abandon(request); // what has not started leaves the queue
                }
            });
        });
    }

    /** Makes the caller's result of the values (or takes their failure), counts it, and completes the caller. */
    private static <V, R> void complete(CompletableFuture<R> result, BiConsumer<R, ModelException> accounting,
                                        List<Done<V>> values, Throwable failure,
                                        Function<List<Done<V>>, R> assemble, ModelEntry entry) {
        R value = null;
        Throwable error = failure;
        if (failure == null) {
            try {
                value = assemble.apply(values);
            } catch (RuntimeException x) {
                error = x;
            }
        }
        if (error != null) {
            CallRunner.fail(result, accounting, Failures.unwrap(error, entry.id()));
        } else {
            accounting.accept(value, null);
            result.complete(value);
        }
    }

    /** Runs texts on one instance, each value with how it was made. */
    private static <C, V> List<Done<V>> runDirect(ModelEntry entry, Operation<C> op, MicroBatcher.Runner<C, V> runner,
                                                  Instance instance, List<String> texts) throws Exception {
        long t0 = System.nanoTime();
        List<V> values = runner.run(op.view(entry, instance.model()), texts);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (values == null || values.size() != texts.size()) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, entry.id(), "the provider returned "
                + (values == null ? "nothing" : values.size() + " results") + " for " + texts.size() + " texts");
        }
        List<Done<V>> out = new ArrayList<>(values.size());
        for (V v : values) {
            out.add(new Done<>(v, took, instance.id(), instance.device()));
        }
        return out;
    }

    /** Micro-batching off: this call's own batches of {@code batch_size}, at once on as many slots as are free. */
    private <C, V> List<Done<V>> unbatched(ModelEntry entry, Operation<C> op, MicroBatcher.Runner<C, V> runner,
                                           List<String> texts) {
        int size = Math.max(1, entry.requirement().batchSize());
        if (texts.size() <= size) {
            return calls.call(entry, op, (model, instance, abandoned) -> runDirect(entry, op, runner, instance, texts));
        }
        CompletableFuture<List<Done<V>>> all = unbatchedAsync(entry, op, runner, texts);
        try {
            return all.get();
        } catch (InterruptedException e) {
            all.cancel(false); // its batches waiting leave the queue
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for the model", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            throw Failures.rethrown(Failures.unwrap(e, entry.id()));
        }
    }

    /**
     * This call's own batches, each a call of its own on the pool's threads; one value per text, in order. At most
     * {@link #PARTS_IN_FLIGHT} of them run or wait at once, the next queued as one finishes: a call of many texts
     * takes its turns in the pool's queue between other callers' calls instead of queueing all its batches ahead of
     * them (and of the queue's capacity).
     */
    private <C, V> CompletableFuture<List<Done<V>>> unbatchedAsync(ModelEntry entry, Operation<C> op,
                                                                   MicroBatcher.Runner<C, V> runner,
                                                                   List<String> texts) {
        int size = Math.max(1, entry.requirement().batchSize());
        int parts = (texts.size() + size - 1) / size;
        List<List<Done<V>>> results = new ArrayList<>(java.util.Collections.nCopies(parts, null));
        CompletableFuture<List<Done<V>>> all = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        // A call cancelled, or failed by one of its batches, cancels the batches it has queued or running (those
        // running finish; those waiting leave the queue).
        List<CompletableFuture<?>> submitted = new java.util.concurrent.CopyOnWriteArrayList<>();
        all.whenComplete((values, error) -> {
            if (error != null) {
                submitted.forEach(f -> f.cancel(false));
            }
        });
        Runnable[] submitNext = new Runnable[1];
        submitNext[0] = () -> {
            int k = next.getAndIncrement();
            if (k >= parts || all.isDone()) {
                return;
            }
            List<String> slice = texts.subList(k * size, Math.min(texts.size(), (k + 1) * size));
            CompletableFuture<List<Done<V>>> part = calls.submit(entry, op,
                (model, instance, abandoned) -> runDirect(entry, op, runner, instance, slice), null);
            submitted.add(part);
            if (all.isCompletedExceptionally()) {
                part.cancel(false); // it ended between the check above and now
            }
            part.whenComplete((values, error) -> {
                if (error != null) {
                    all.completeExceptionally(error);
                    return;
                }
                synchronized (results) {
                    results.set(k, values);
                }
                if (done.incrementAndGet() < parts) {
                    submitNext[0].run();
                    return;
                }
                List<Done<V>> joined = new ArrayList<>(texts.size());
                synchronized (results) {
                    results.forEach(joined::addAll);
                }
                all.complete(joined);
            });
        };
        for (int i = 0; i < Math.min(parts, PARTS_IN_FLIGHT); i++) {
            submitNext[0].run();
        }
        return all;
    }

    /** Batches of one call running or waiting at once: as many as the machine runs side by side. */
    private static final int PARTS_IN_FLIGHT = Math.max(2, Runtime.getRuntime().availableProcessors());

    private <C, V> MicroBatcher<C, V> batcher(WorkerPool pool, ModelEntry entry, Operation<C> op,
                                              MicroBatcher.Runner<C, V> runner) {
        String key = runner instanceof Keyed k ? op.name() + "#" + k.key() : op.name();
        return pool.batcher(key, p -> new MicroBatcher<>(p, model -> op.view(entry, model), runner,
            () -> entry.requirement().batchSize(), () -> calls.settings().batchDelay()));
    }
}
