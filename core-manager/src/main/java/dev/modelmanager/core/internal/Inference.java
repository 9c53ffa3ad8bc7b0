package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.Classification;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.TransformResult;
import dev.modelmanager.api.spi.ChatModel;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.Text2TextModel;
import dev.modelmanager.api.spi.TokenSink;

/**
 * The inference operations: validate the input, find the model, run the call on its worker, and shape the
 * provider's answer into the API's result types. Every method answers a future and never throws: failures,
 * including bad input, complete the future exceptionally with a {@link ModelException}.
 */
final class Inference {
    private static final List<ModelType> EMBEDDING = List.of(ModelType.EMBEDDING);
    private static final List<ModelType> GENERATION = List.of(ModelType.TEXT_GENERATION);
    private static final List<ModelType> TEXT2TEXT = List.of(ModelType.TEXT2TEXT);
    private static final List<ModelType> CLASSIFICATION = List.of(ModelType.CLASSIFICATION);

    private final ManagerContext ctx;
    private final Calls calls;
    private final Function<String, ModelEntry> resolver;

    Inference(ManagerContext ctx, Calls calls, Function<String, ModelEntry> resolver) {
        this.ctx = ctx;
        this.calls = calls;
        this.resolver = resolver;
    }

    /**
     * Embeds texts: what the model's cache holds is answered from it (an all-cached call needs no loaded model),
     * the rest goes to the model in batches of {@code batch_size} and into the cache. Input order is kept.
     */
    CompletableFuture<EmbeddingResult> embed(String modelId, List<String> texts) {
        long start = System.nanoTime();
        return begin(modelId, () -> checkTexts(modelId, "texts", texts), entry -> {
            EmbeddingCache cache = entry.cache();
            Embedding[] results = new Embedding[texts.size()];
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                float[] hit = cache == null ? null : cache.get(texts.get(i));
                if (hit != null) {
                    results[i] = new Embedding(hit, true, Duration.ZERO, null, null);
                } else {
                    missing.add(i);
                }
            }
            if (missing.isEmpty()) {
                entry.used(false, System.nanoTime() - start, texts.size());
                return CompletableFuture.completedFuture(
                    new EmbeddingResult(entry.id(), List.of(results), Duration.ofNanos(System.nanoTime() - start)));
            }
            List<String> wanted = missing.stream().map(texts::get).toList();
            List<CompletableFuture<MicroBatcher.Done<float[]>>> parts = batched(entry, wanted, EMBEDDING,
                EmbeddingModel.class, "embed", EmbeddingModel::embed);
            for (int k = 0; k < missing.size(); k++) {
                int slot = missing.get(k);
                String text = wanted.get(k);
                parts.set(k, parts.get(k).thenApply(e -> {
                    results[slot] = new Embedding(e.value(), false, e.took(), e.workerId(), e.device());
                    if (cache != null) {
                        cache.put(text, e.value());
                    }
                    return e;
                }));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done ->
                new EmbeddingResult(entry.id(), List.of(results), Duration.ofNanos(System.nanoTime() - start)));
        });
    }

    CompletableFuture<GenerationResult> generate(String modelId, String prompt, GenerationOptions options) {
        return begin(modelId, () -> checkPrompt(modelId, prompt), entry -> {
            GenerationOptions effective = effective(options, entry.requirement());
            return calls.run(entry, GENERATION, GenerationModel.class, "generate", (model, worker, abandoned) ->
                timed(entry.id(), worker, () -> model.generate(prompt, effective, piece -> !abandoned.getAsBoolean())));
        });
    }

    CompletableFuture<GenerationResult> chat(String modelId, List<ChatMessage> messages, GenerationOptions options) {
        return begin(modelId, () -> checkMessages(modelId, messages), entry -> {
            GenerationOptions effective = effective(options, entry.requirement());
            List<ChatMessage> copy = List.copyOf(messages);
            return calls.run(entry, GENERATION, ChatModel.class, "chat", (model, worker, abandoned) ->
                timed(entry.id(), worker, () -> model.chat(copy, effective, piece -> !abandoned.getAsBoolean())));
        });
    }

    Flow.Publisher<GenerationChunk> stream(String modelId, String prompt, GenerationOptions options) {
        return new GenerationStream(modelId, sink -> begin(modelId, () -> checkPrompt(modelId, prompt), entry -> {
            GenerationOptions effective = effective(options, entry.requirement());
            return calls.run(entry, GENERATION, GenerationModel.class, "generate",
                (model, worker, abandoned) -> model.generate(prompt, effective,
                    piece -> !abandoned.getAsBoolean() && sink.accept(piece)));
        }), ctx.settings().streamStallTimeout());
    }

    Flow.Publisher<GenerationChunk> streamChat(String modelId, List<ChatMessage> messages, GenerationOptions options) {
        return new GenerationStream(modelId, sink -> begin(modelId, () -> checkMessages(modelId, messages), entry -> {
            GenerationOptions effective = effective(options, entry.requirement());
            List<ChatMessage> copy = List.copyOf(messages);
            return calls.run(entry, GENERATION, ChatModel.class, "chat",
                (model, worker, abandoned) -> model.chat(copy, effective,
                    piece -> !abandoned.getAsBoolean() && sink.accept(piece)));
        }), ctx.settings().streamStallTimeout());
    }

    CompletableFuture<TransformResult> transform(String modelId, List<String> inputs, GenerationOptions options) {
        return begin(modelId, () -> checkTexts(modelId, "inputs", inputs), entry -> {
            GenerationOptions effective = effective(options, entry.requirement());
            List<String> copy = List.copyOf(inputs);
            return calls.run(entry, TEXT2TEXT, Text2TextModel.class, "transform", (model, worker, abandoned) -> {
                long t0 = System.nanoTime();
                List<String> outputs = model.transform(copy, effective);
                if (outputs == null || outputs.size() != copy.size()) {
                    throw new ModelException(ErrorCode.INFERENCE_FAILED, entry.id(), "the provider returned "
                        + (outputs == null ? "nothing" : outputs.size() + " outputs") + " for " + copy.size() + " inputs");
                }
                return new TransformResult(entry.id(), outputs, Duration.ofNanos(System.nanoTime() - t0), worker.id(),
                    worker.device());
            });
        });
    }

    CompletableFuture<ClassificationResult> classify(String modelId, List<String> texts) {
        return begin(modelId, () -> checkTexts(modelId, "texts", texts), entry -> {
            List<String> copy = List.copyOf(texts);
            Double threshold = entry.requirement().threshold();
            long t0 = System.nanoTime();
            List<CompletableFuture<MicroBatcher.Done<List<LabelScore>>>> parts = batched(entry, copy,
                CLASSIFICATION, ClassificationModel.class, "classify", ClassificationModel::classify);
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<Classification> classifications = new ArrayList<>(parts.size());
                MicroBatcher.Done<List<LabelScore>> last = null;
                for (CompletableFuture<MicroBatcher.Done<List<LabelScore>>> part : parts) {
                    last = part.join();
                    classifications.add(new Classification(last.value().stream()
                        .filter(l -> threshold == null || l.score() >= threshold)
                        .sorted(Comparator.comparingDouble(LabelScore::score).reversed())
                        .toList()));
                }
                return new ClassificationResult(entry.id(), classifications, Duration.ofNanos(System.nanoTime() - t0),
                    last.workerId(), last.device());
            });
        });
    }

    /**
     * Runs texts on the model in batches of {@code batch_size}: through the model's micro-batcher (shared with
     * concurrent callers) or, with micro-batching off, this call's own batches. One future per text, in order.
     */
    private <C, V> List<CompletableFuture<MicroBatcher.Done<V>>> batched(ModelEntry entry, List<String> texts,
                                                                         List<ModelType> allowed, Class<C> capability,
                                                                         String operation,
                                                                         MicroBatcher.Runner<C, V> runner) {
        if (ctx.settings().microBatching()) {
            return entry.batcher(calls, allowed, capability, operation, runner).submit(texts, ctx.settings().workerConcurrency(),
                ctx.settings().queueCapacity());
        }
        List<CompletableFuture<MicroBatcher.Done<V>>> parts = new ArrayList<>(texts.size());
        int batch = entry.requirement().batchSize();
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> slice = texts.subList(from, Math.min(texts.size(), from + batch));
            CompletableFuture<List<MicroBatcher.Done<V>>> call = calls.run(entry, allowed, capability, operation,
                (model, worker, abandoned) -> MicroBatcher.runBatch(entry.id(), runner, model, worker, slice));
            for (int k = 0; k < slice.size(); k++) {
                int index = k;
                parts.add(call.thenApply(list -> list.get(index)));
            }
        }
        return parts;
    }

    /** Scores each text against each candidate label by the cosine similarity of their embeddings. */
    CompletableFuture<ClassificationResult> classifyZeroShot(String modelId, List<String> texts, List<String> labels) {
        return begin(modelId, () -> {
            checkTexts(modelId, "texts", texts);
            checkTexts(modelId, "candidate_labels", labels);
            if (labels.size() < 2) {
                throw ModelException.invalidInput(modelId, "candidate_labels", "needs at least two labels to choose from");
            }
        }, entry -> {
            List<String> copy = List.copyOf(texts);
            List<String> candidates = List.copyOf(labels);
            return calls.run(entry, EMBEDDING, EmbeddingModel.class, "embed", (model, worker, abandoned) -> {
                long t0 = System.nanoTime();
                List<float[]> labelVectors = model.embed(candidates);
                List<float[]> textVectors = model.embed(copy);
                List<Classification> classifications = new ArrayList<>(copy.size());
                for (float[] text : textVectors) {
                    List<LabelScore> scores = new ArrayList<>(candidates.size());
                    for (int l = 0; l < candidates.size(); l++) {
                        scores.add(new LabelScore(candidates.get(l), cosine(text, labelVectors.get(l))));
                    }
                    scores.sort(Comparator.comparingDouble(LabelScore::score).reversed());
                    classifications.add(new Classification(scores));
                }
                return new ClassificationResult(entry.id(), classifications, Duration.ofNanos(System.nanoTime() - t0),
                    worker.id(), worker.device());
            });
        });
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    // ------------------------------------------------------------------ helpers

    /** Validates, resolves the model and runs {@code call}; any failure becomes a failed future. */
    private <R> CompletableFuture<R> begin(String modelId, Runnable validation,
                                           Function<ModelEntry, CompletableFuture<R>> call) {
        try {
            validation.run();
            return call.apply(resolver.apply(modelId));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e.modelId() == null ? e.forModel(modelId) : e);
        }
    }

    private static GenerationOptions effective(GenerationOptions options, ModelRequirement requirement) {
        return (options == null ? GenerationOptions.DEFAULTS : options).withDefaults(requirement);
    }

    @FunctionalInterface
    private interface CompletionCall {
        Completion run() throws Exception;
    }

    private static GenerationResult timed(String modelId, Worker.Instance worker, CompletionCall call) throws Exception {
        long t0 = System.nanoTime();
        Completion completion = call.run();
        if (completion == null) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the provider returned no completion");
        }
        return new GenerationResult(modelId, completion.text(), completion.finishReason(), completion.usage(),
            Duration.ofNanos(System.nanoTime() - t0), worker.id(), worker.device());
    }

    private static void checkTexts(String modelId, String field, List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw ModelException.invalidInput(modelId, field, "must hold at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw ModelException.invalidInput(modelId, field + "[" + i + "]", "must not be null");
            }
        }
    }

    private static void checkPrompt(String modelId, String prompt) {
        if (prompt == null) {
            throw ModelException.invalidInput(modelId, "prompt", "must not be null");
        }
    }

    private static void checkMessages(String modelId, List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ModelException.invalidInput(modelId, "messages", "must hold at least one message");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw ModelException.invalidInput(modelId, "messages[" + i + "]", "must not be null");
            }
        }
    }
}
