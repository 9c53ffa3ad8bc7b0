package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;

/**
 * Coalesces concurrent calls on texts (embedding, classification) to one model into batches. No call waits for company: while the model has
 * a free slot (fewer batches running than the worker's concurrency) texts go at once; while every slot is busy,
 * texts from all callers queue here and leave together, up to {@code batch_size} per batch, as soon as a slot
 * frees. Under light load this adds nothing; under heavy load one provider call serves many callers (the dynamic
 * batching of Triton and the continuous batching of vLLM, without a fixed delay). When more texts wait than fit
 * in one batch, they are grouped by length so that padding wastes little. Each caller gets exactly its own vectors.
 * With {@code micro.batching.delay.ms} above 0, texts also wait up to that long for company while a slot is free
 * (Triton's {@code max_queue_delay}): bigger batches at the price of that much latency.
 */
final class MicroBatcher<C, V> {
    /** Runs one batch on the model: one value per text, in order. */
    @FunctionalInterface
    interface Runner<C, V> {
        List<V> run(C model, List<String> texts) throws Exception;
    }

    /** One text waiting, and where its value goes. */
    record Item<V>(String text, CompletableFuture<Done<V>> result) {
    }

    /** One text's value with how it was made. */
    record Done<V>(V value, Duration took, String workerId, String device) {
    }

    private final ModelEntry entry;
    private final Calls calls;
    private final List<ModelType> allowed;
    private final Class<C> capability;
    private final String operation;
    private final Runner<C, V> runner;
    private final List<Item<V>> pending = new ArrayList<>();
    private int running;
    private long oldest; // when the oldest pending text arrived (nanoTime)
    private boolean flushScheduled;
    private final java.util.function.Supplier<Duration> delay;
    private final java.util.concurrent.ScheduledExecutorService timer;

    MicroBatcher(ModelEntry entry, Calls calls, List<ModelType> allowed, Class<C> capability, String operation,
                 Runner<C, V> runner, java.util.function.Supplier<Duration> delay,
                 java.util.concurrent.ScheduledExecutorService timer) {
        this.delay = delay;
        this.timer = timer;
        this.entry = entry;
        this.calls = calls;
        this.allowed = allowed;
        this.capability = capability;
        this.operation = operation;
        this.runner = runner;
    }

    /**
     * Queues texts; each future completes with its own text's vector. At most {@code queueCapacity} batches' worth
     * of texts wait; beyond that the call fails at once with {@code OVERLOADED}, as a full worker queue does.
     */
    List<CompletableFuture<Done<V>>> submit(List<String> texts, int slots, int queueCapacity) {
        List<CompletableFuture<Done<V>>> futures = new ArrayList<>(texts.size());
        synchronized (this) {
            long limit = (long) Math.max(1, queueCapacity) * entry.requirement().batchSize();
            if (pending.size() + texts.size() > limit && running >= slots) {
                ModelException full = new ModelException(ErrorCode.OVERLOADED, entry.id(), "its queue is full ("
                    + running + " batches running, " + pending.size() + " texts waiting); try again later");
                for (int i = 0; i < texts.size(); i++) {
                    futures.add(CompletableFuture.failedFuture(full));
                }
                return futures;
            }
            if (pending.isEmpty()) {
                oldest = System.nanoTime();
            }
            for (String text : texts) {
                CompletableFuture<Done<V>> f = new CompletableFuture<>();
                pending.add(new Item<>(text, f));
                futures.add(f);
            }
        }
        dispatch(slots);
        return futures;
    }

    /** Texts waiting for a slot (for status). */
    synchronized int waiting() {
        return pending.size();
    }

    /** Sends batches while slots are free. */
    private void dispatch(int slots) {
        while (true) {
            List<Item<V>> batch;
            synchronized (this) {
                if (pending.isEmpty() || running >= slots) {
                    return;
                }
                int size = entry.requirement().batchSize();
                long wait = delay.get().toNanos() - (System.nanoTime() - oldest);
                if (pending.size() < size && wait > 0) {
                    // A slot is free but the batch is not full: wait for company, at most the configured delay.
                    if (!flushScheduled) {
                        flushScheduled = true;
                        timer.schedule(() -> {
                            synchronized (this) {
                                flushScheduled = false;
                                oldest = Long.MIN_VALUE / 2; // the wait is over
                            }
                            dispatch(slots);
                        }, wait, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                    return;
                }
                if (pending.size() > size) {
                    // More than one batch waits: the shortest texts first, so each batch holds similar lengths.
                    pending.sort(Comparator.comparingInt(i -> i.text().length()));
                }
                List<Item<V>> head = pending.subList(0, Math.min(size, pending.size()));
                batch = new ArrayList<>(head);
                head.clear();
                running++;
                oldest = System.nanoTime();
            }
            send(batch, slots);
        }
    }

    /** Runs one batch on an instance; one value per text, each with how it was made. */
    static <C, V> List<Done<V>> runBatch(String modelId, Runner<C, V> runner, C model, Worker.Instance worker,
                                         List<String> texts) throws Exception {
        long t0 = System.nanoTime();
        List<V> values = runner.run(model, texts);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (values == null || values.size() != texts.size()) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the provider returned "
                + (values == null ? "nothing" : values.size() + " results") + " for " + texts.size() + " texts");
        }
        List<Done<V>> out = new ArrayList<>(values.size());
        for (V v : values) {
            out.add(new Done<>(v, took, worker.id(), worker.device()));
        }
        return out;
    }

    private void send(List<Item<V>> batch, int slots) {
        List<String> texts = batch.stream().map(Item::text).toList();
        calls.run(entry, allowed, capability, operation, (model, worker, abandoned) ->
            runBatch(entry.id(), runner, model, worker, texts)).whenComplete((results, error) -> {
            synchronized (this) {
                running--;
            }
            for (int i = 0; i < batch.size(); i++) {
                if (error != null) {
                    batch.get(i).result().completeExceptionally(error);
                } else {
                    batch.get(i).result().complete(results.get(i));
                }
            }
            dispatch(slots);
        });
    }
}
