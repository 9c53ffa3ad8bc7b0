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
import dev.modelmanager.core.internal.exec.MicroBatcher;
import dev.modelmanager.core.internal.exec.MicroBatcher.Done;
import dev.modelmanager.core.internal.lifecycle.Binding;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * Calls on texts: embedding (through the model's embedding cache), classification and text2text. Embedding and
 * classification texts reach the instances as {@link TextRuns} sends them (micro-batched while slots are busy).
 * Every blocking method throws {@link ModelException}; every {@code ...Async} method answers a future and never
 * throws.
 */
public final class TextInference {
    private static final MicroBatcher.Runner<EmbeddingModel, EncodedText> EMBED =
        (model, texts) -> EncodedText.of(model.embedEncoded(texts, null));
    private static final MicroBatcher.Runner<ClassificationModel, List<LabelScore>> CLASSIFY =
        ClassificationModel::classify;

    private final CallRunner calls;
    private final TextRuns runs;
    private final Function<String, Binding> resolver;
    private final String requester;

    /**
     * @param calls     runs its calls (and says whom they wait as in a model's queue)
     * @param requester whom its calls are counted for ({@code RequesterUsage.requester})
     */
    TextInference(CallRunner calls, Function<String, Binding> resolver, String requester) {
        this.calls = calls;
        this.runs = new TextRuns(calls);
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
                : lookup.result(entry.id(), runs.run(entry, Operation.EMBED, embedder(prompt), lookup.missing()), start);
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
        return runs.runAsync(entry, Operation.EMBED, embedder(prompt), lookup.missing(), assemble, accounting);
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
    private record PromptedEmbed(String prompt) implements MicroBatcher.Runner<EmbeddingModel, EncodedText>,
        TextRuns.Keyed {
        @Override
        public String key() {
            return prompt;
        }

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
            distinct.expand(runs.run(entry, Operation.CLASSIFY, CLASSIFY, distinct.texts())), start));
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
        return runs.runAsync(entry, Operation.CLASSIFY, CLASSIFY, distinct.texts(),
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
}
