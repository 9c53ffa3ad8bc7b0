package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.modelmanager.api.Classification;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.TransformResult;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.core.internal.exec.BatchRequest;
import dev.modelmanager.core.internal.exec.Failures;
import dev.modelmanager.core.internal.exec.Instance;
import dev.modelmanager.core.internal.exec.MicroBatcher;
import dev.modelmanager.core.internal.exec.MicroBatcher.Done;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.lifecycle.Binding;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * Calls on texts: embedding (through the model's embedding cache), classification and text2text. Embedding and
 * classification go through the pool's {@link MicroBatcher} when slots are busy and bypass it (running on the
 * caller's thread when blocking) when a slot is free and nothing waits; a pool whose model says its callers' texts
 * must not be merged is always bypassed. Every blocking method throws {@link ModelException}; every
 * {@code ...Async} method answers a future and never throws.
 */
public final class TextInference {
    private static final MicroBatcher.Runner<EmbeddingModel, EncodedText> EMBED =
        (model, texts) -> EncodedText.of(model.embedEncoded(texts, null));
    private static final MicroBatcher.Runner<ClassificationModel, List<LabelScore>> CLASSIFY =
        ClassificationModel::classify;

    private final CallRunner calls;
    private final Function<String, Binding> resolver;
    private final String requester;

    /**
     * @param calls     runs its calls (and says whom they wait as in a model's queue)
     * @param requester whom its calls are counted for ({@code RequesterUsage.requester})
     */
    TextInference(CallRunner calls, Function<String, Binding> resolver, String requester) {
        this.calls = calls;
        this.resolver = resolver;
        this.requester = requester;
    }

    // ------------------------------------------------------------------ embedding

    public EmbeddingResult embed(String modelId, List<String> texts) {
        return embed(modelId, texts, EmbeddingOptions.DEFAULTS);
    }

    /**
     * Embeds texts, with the model's prompt {@code options.promptName()} when given: the cache keeps vectors per
     * prompt, and only texts with the same prompt are batched together. A text the model truncated fails the call
     * when the options (or the requirement's {@code truncate} option) say not to truncate; it was embedded (and
     * cached) all the same, so that the texts of other callers batched with it are not failed too.
     */
    public EmbeddingResult embed(String modelId, List<String> texts, EmbeddingOptions options) {
        Inputs.texts(modelId, "texts", texts, calls.settings().limits());
        Binding binding = resolver.apply(modelId);
        ModelEntry entry = binding.entry();
        String prompt = prompt(options);
        boolean truncate = truncates(options, binding);
        long start = System.nanoTime();
        CachedEmbeddings lookup = CachedEmbeddings.lookUp(entry, texts, prompt);
        return Accounting.counted(entry, requester, start, () -> {
            EmbeddingResult result = lookup.missing().isEmpty() ? lookup.result(entry.id(), List.of(), start)
                : lookup.result(entry.id(), run(entry, Operation.EMBED, embedder(prompt), lookup.missing()), start);
            return truncate ? result : Inputs.untruncated(entry.id(), "texts", result);
        }, lookup::tokensRead);
    }

    public CompletableFuture<EmbeddingResult> embedAsync(String modelId, List<String> texts) {
        return embedAsync(modelId, texts, EmbeddingOptions.DEFAULTS);
    }

    public CompletableFuture<EmbeddingResult> embedAsync(String modelId, List<String> texts, EmbeddingOptions options) {
        long start = System.nanoTime();
        ModelEntry entry;
        CachedEmbeddings lookup;
        String prompt;
        boolean truncate;
        try {
            Inputs.texts(modelId, "texts", texts, calls.settings().limits());
            Binding binding = resolver.apply(modelId);
            entry = binding.entry();
            prompt = prompt(options);
            truncate = truncates(options, binding);
            lookup = CachedEmbeddings.lookUp(entry, texts, prompt);
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
        BiConsumer<EmbeddingResult, ModelException> accounting = Accounting.of(entry, requester, start,
            lookup::tokensRead);
        Function<List<Done<EncodedText>>, EmbeddingResult> assemble = values -> {
            EmbeddingResult result = lookup.result(entry.id(), values, start);
            return truncate ? result : Inputs.untruncated(entry.id(), "texts", result);
        };
        if (lookup.missing().isEmpty()) {
            EmbeddingResult all;
            try {
                all = assemble.apply(List.of());
            } catch (ModelException e) {
                accounting.accept(null, e);
                return CompletableFuture.failedFuture(e);
            }
            accounting.accept(all, null);
            return CompletableFuture.completedFuture(all);
        }
        return runAsync(entry, Operation.EMBED, embedder(prompt), lookup.missing(), assemble, accounting);
    }

    private static String prompt(EmbeddingOptions options) {
        return options == null ? null : options.promptName();
    }

    /**
     * Whether texts longer than the model reads are embedded truncated: as the call says, else as the id's
     * requirement option {@code truncate} says, else yes.
     */
    private static boolean truncates(EmbeddingOptions options, Binding binding) {
        if (options != null && options.truncate() != null) {
            return options.truncate();
        }
        String option = binding.requirement().options().get(EmbeddingOptions.TRUNCATE_OPTION);
        return option == null || option.isBlank()
            || !java.util.Set.of("false", "no", "0").contains(option.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /** The provider call for texts with one prompt; each prompt has a batcher of its own. */
    private static MicroBatcher.Runner<EmbeddingModel, EncodedText> embedder(String prompt) {
        return prompt == null ? EMBED : new PromptedEmbed(prompt);
    }

    /** Embedding with a named prompt; equal for the same prompt, so that its batcher is found again. */
    private record PromptedEmbed(String prompt) implements MicroBatcher.Runner<EmbeddingModel, EncodedText> {
        @Override
        public List<EncodedText> run(EmbeddingModel model, List<String> texts) throws Exception {
            return EncodedText.of(model.embedEncoded(texts, prompt));
        }
    }

    // ------------------------------------------------------------------ classification

    public ClassificationResult classify(String modelId, List<String> texts) {
        Inputs.texts(modelId, "texts", texts, calls.settings().limits());
        Binding binding = resolver.apply(modelId);
        ModelEntry entry = binding.entry();
        long start = System.nanoTime();
        Distinct distinct = Distinct.of(texts);
        return Accounting.counted(entry, requester, start, () -> classification(binding,
            distinct.expand(run(entry, Operation.CLASSIFY, CLASSIFY, distinct.texts())), start));
    }

    public CompletableFuture<ClassificationResult> classifyAsync(String modelId, List<String> texts) {
        long start = System.nanoTime();
        Binding binding;
        try {
            Inputs.texts(modelId, "texts", texts, calls.settings().limits());
            binding = resolver.apply(modelId);
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
        ModelEntry entry = binding.entry();
        Distinct distinct = Distinct.of(texts);
        return runAsync(entry, Operation.CLASSIFY, CLASSIFY, distinct.texts(),
            values -> classification(binding, distinct.expand(values), start), Accounting.of(entry, requester, start));
    }

    /** The labels of each text, best first, without those below this id's threshold. */
    static ClassificationResult classification(Binding binding, List<Done<List<LabelScore>>> values,
                                                       long start) {
        ModelEntry entry = binding.entry();
        Double threshold = binding.requirement().threshold();
        List<Classification> classifications = new ArrayList<>(values.size());
        for (Done<List<LabelScore>> v : values) {
            classifications.add(new Classification(v.value().stream()
                .filter(l -> threshold == null || l.score() >= threshold)
                .sorted(Comparator.comparingDouble(LabelScore::score).reversed())
                .toList()));
        }
        Done<List<LabelScore>> last = values.get(values.size() - 1);
        return new ClassificationResult(entry.id(), classifications, Duration.ofNanos(System.nanoTime() - start),
            last.workerId(), last.device());
    }

    // ------------------------------------------------------------------ text2text

    public TransformResult transform(String modelId, List<String> inputs, GenerationOptions options) {
        Inputs.texts(modelId, "inputs", inputs, calls.settings().limits());
        Binding binding = resolver.apply(modelId);
        ModelEntry entry = binding.entry();
        long start = System.nanoTime();
        return Accounting.counted(entry, requester, start,
            () -> calls.call(entry, Operation.TRANSFORM, transformBody(binding, List.copyOf(inputs), options)));
    }

    public CompletableFuture<TransformResult> transformAsync(String modelId, List<String> inputs,
                                                             GenerationOptions options) {
        long start = System.nanoTime();
        try {
            Inputs.texts(modelId, "inputs", inputs, calls.settings().limits());
            Binding binding = resolver.apply(modelId);
            ModelEntry entry = binding.entry();
            return calls.submit(entry, Operation.TRANSFORM, transformBody(binding, List.copyOf(inputs), options),
                Accounting.of(entry, requester, start));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CallRunner.Body<dev.modelmanager.api.spi.Text2TextModel, TransformResult> transformBody(
        Binding binding, List<String> inputs, GenerationOptions options) {
        ModelEntry entry = binding.entry();
        GenerationOptions effective = GenerationInference.effective(options, binding.requirement());
        return (model, worker, abandoned) -> {
            GenerationInference.requireFormat(entry.id(), model, effective);
            long t0 = System.nanoTime();
            List<String> outputs = model.transform(inputs, effective);
            if (outputs == null || outputs.size() != inputs.size()) {
                throw new ModelException(ErrorCode.INFERENCE_FAILED, entry.id(), "the provider returned "
                    + (outputs == null ? "nothing" : outputs.size() + " outputs") + " for " + inputs.size() + " inputs");
            }
            return new TransformResult(entry.id(), outputs, Duration.ofNanos(System.nanoTime() - t0), worker.id(),
                worker.device());
        };
    }

    // ------------------------------------------------------------------ running texts

    /** One value per text, in order: on the caller's thread when a slot is free, through the batcher otherwise. */
    private <C, V> List<Done<V>> run(ModelEntry entry, Operation<C> op, MicroBatcher.Runner<C, V> runner,
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
    private <C, V, R> CompletableFuture<R> runAsync(ModelEntry entry, Operation<C> op,
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
        try {
            return unbatchedAsync(entry, op, runner, texts).join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
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
        Runnable[] submitNext = new Runnable[1];
        submitNext[0] = () -> {
            int k = next.getAndIncrement();
            if (k >= parts || all.isDone()) {
                return;
            }
            List<String> slice = texts.subList(k * size, Math.min(texts.size(), (k + 1) * size));
            calls.submit(entry, op, (model, instance, abandoned) -> runDirect(entry, op, runner, instance, slice), null)
                .whenComplete((values, error) -> {
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
        String key = runner instanceof PromptedEmbed p ? op.name() + "#" + p.prompt() : op.name();
        return pool.batcher(key, p -> new MicroBatcher<>(p, model -> op.view(entry, model), runner,
            () -> entry.requirement().batchSize(), () -> calls.settings().batchDelay()));
    }
}
