package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.modelmanager.api.Classification;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.core.internal.exec.MicroBatcher.Done;
import dev.modelmanager.core.internal.lifecycle.Binding;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * Calls that score texts against others: classification of text pairs (cross-encoders, NLI), zero-shot
 * classification by embedding similarity, and reranking documents against a query — through a cross-encoder
 * classification model reading query and document together, or through an embedding model by the cosine
 * similarity of their vectors (embedded like any embedding call: cached, batched).
 */
public final class RankingInference {
    private final CallRunner calls;
    private final Function<String, Binding> resolver;
    private final TextInference text;
    private final String requester;

    /** @param requester whom its calls are counted for; {@code text} counts for the same one (and uses {@code calls}) */
    RankingInference(CallRunner calls, Function<String, Binding> resolver, TextInference text, String requester) {
        this.calls = calls;
        this.resolver = resolver;
        this.text = text;
        this.requester = requester;
    }

    // ------------------------------------------------------------------ pairs

    public ClassificationResult classifyPairs(String modelId, List<TextPair> pairs) {
        Inputs.pairs(modelId, pairs, calls.settings().limits());
        Binding binding = resolver.apply(modelId);
        ModelEntry entry = binding.entry();
        long start = System.nanoTime();
        return Accounting.counted(entry, requester, start, () -> TextInference.classification(binding,
            calls.call(entry, Operation.CLASSIFY, pairsBody(entry, List.copyOf(pairs))), start));
    }

    public CompletableFuture<ClassificationResult> classifyPairsAsync(String modelId, List<TextPair> pairs) {
        long start = System.nanoTime();
        try {
            Inputs.pairs(modelId, pairs, calls.settings().limits());
            Binding binding = resolver.apply(modelId);
            ModelEntry entry = binding.entry();
            return calls.submit(entry, Operation.CLASSIFY, pairsBody(entry, List.copyOf(pairs)),
                Accounting.of(entry, requester, start)).thenApply(values -> TextInference.classification(binding, values, start));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Every label's score of each pair, in the model's label order, in slices of the requirement's batch size. */
    private static CallRunner.Body<ClassificationModel, List<Done<List<LabelScore>>>> pairsBody(ModelEntry entry,
                                                                                              List<TextPair> pairs) {
        return (model, instance, abandoned) -> {
            int size = Math.max(1, entry.requirement().batchSize());
            List<Done<List<LabelScore>>> out = new ArrayList<>(pairs.size());
            for (int from = 0; from < pairs.size(); from += size) {
                List<TextPair> slice = pairs.subList(from, Math.min(pairs.size(), from + size));
                long t0 = System.nanoTime();
                List<List<LabelScore>> scores = model.classifyPairs(slice);
                if (scores == null || scores.size() != slice.size()) {
                    throw new ModelException(ErrorCode.INFERENCE_FAILED, entry.id(), "the provider returned "
                        + (scores == null ? "nothing" : scores.size() + " results") + " for " + slice.size() + " pairs");
                }
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                scores.forEach(s -> out.add(new Done<>(s, took, instance.id(), instance.device())));
            }
            return out;
        };
    }

    // ------------------------------------------------------------------ rerank

    /**
     * The documents by relevance to the query, most relevant first: a classification model scores each
     * (query, document) pair — its one logit's sigmoid, or the probability of its last label (the relevant class of
     * a two-label model); an embedding model scores by cosine similarity.
     */
    public RerankResult rerank(String modelId, String query, List<String> documents) {
        check(modelId, query, documents);
        Binding binding = resolver.apply(modelId);
        long start = System.nanoTime();
        ModelEntry entry = binding.entry();
        if (entry.requirement().modelType() == ModelType.EMBEDDING) {
            return byCosine(entry.id(), documents, text.embed(modelId, withQuery(query, documents),
                EmbeddingOptions.DEFAULTS).vectors(), start);
        }
        checkCrossEncoder(entry);
        return Accounting.counted(entry, requester, start, () -> byRelevance(entry.id(), documents,
            calls.call(entry, Operation.CLASSIFY, pairsBody(entry, pairsOf(query, documents))), start));
    }

    public CompletableFuture<RerankResult> rerankAsync(String modelId, String query, List<String> documents) {
        long start = System.nanoTime();
        ModelEntry entry;
        try {
            check(modelId, query, documents);
            entry = resolver.apply(modelId).entry();
            if (entry.requirement().modelType() == ModelType.EMBEDDING) {
                return text.embedAsync(modelId, withQuery(query, documents), EmbeddingOptions.DEFAULTS)
                    .thenApply(r -> byCosine(entry.id(), documents, r.vectors(), start));
            }
            checkCrossEncoder(entry);
            return calls.submit(entry, Operation.CLASSIFY, pairsBody(entry, pairsOf(query, documents)),
                Accounting.of(entry, requester, start)).thenApply(values -> byRelevance(entry.id(), documents, values, start));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void checkCrossEncoder(ModelEntry entry) {
        if (entry.requirement().modelType() != ModelType.CLASSIFICATION) {
            throw new ModelException(ErrorCode.CAPABILITY_MISSING, entry.id(), "a " + entry.requirement().modelType()
                + " model cannot rerank: use an embedding model or a cross-encoder classification model");
        }
    }

    private static List<String> withQuery(String query, List<String> documents) {
        List<String> all = new ArrayList<>(documents.size() + 1);
        all.add(query);
        all.addAll(documents);
        return all;
    }

    private static List<TextPair> pairsOf(String query, List<String> documents) {
        return documents.stream().map(d -> new TextPair(query, d)).toList();
    }

    private static RerankResult byCosine(String modelId, List<String> documents, List<float[]> vectors, long start) {
        double[] scores = new double[documents.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = cosine(vectors.get(0), vectors.get(i + 1));
        }
        return ranked(modelId, documents, scores, "cosine", start);
    }

    private static RerankResult byRelevance(String modelId, List<String> documents,
                                            List<Done<List<LabelScore>>> values, long start) {
        double[] scores = new double[documents.size()];
        for (int i = 0; i < scores.length; i++) {
            List<LabelScore> labels = values.get(i).value();
            scores[i] = labels.get(labels.size() - 1).score();
        }
        return ranked(modelId, documents, scores, "cross-encoder", start);
    }

    private void check(String modelId, String query, List<String> documents) {
        if (query == null) {
            throw ModelException.invalidInput(modelId, "query", "must not be null");
        }
        Inputs.texts(modelId, "documents", documents, calls.settings().limits());
    }

    private static RerankResult ranked(String modelId, List<String> documents, double[] scores, String method,
                                       long start) {
        List<RerankResult.Ranked> ranked = new ArrayList<>(documents.size());
        for (int i = 0; i < scores.length; i++) {
            ranked.add(new RerankResult.Ranked(i, scores[i], documents.get(i)));
        }
        ranked.sort(Comparator.comparingDouble(RerankResult.Ranked::score).reversed());
        return new RerankResult(modelId, ranked, method, Duration.ofNanos(System.nanoTime() - start));
    }

    // ------------------------------------------------------------------ zero-shot

    /** Scores each text against each candidate label by the cosine similarity of their embeddings. */
    public ClassificationResult classifyZeroShot(String modelId, List<String> texts, List<String> labels) {
        checkZeroShot(modelId, texts, labels);
        Binding binding = resolver.apply(modelId);
        ModelEntry entry = binding.entry();
        long start = System.nanoTime();
        return Accounting.counted(entry, requester, start,
            () -> calls.call(entry, Operation.EMBED, zeroShot(entry, List.copyOf(texts), List.copyOf(labels))));
    }

    public CompletableFuture<ClassificationResult> classifyZeroShotAsync(String modelId, List<String> texts,
                                                                         List<String> labels) {
        long start = System.nanoTime();
        try {
            checkZeroShot(modelId, texts, labels);
            Binding binding = resolver.apply(modelId);
            ModelEntry entry = binding.entry();
            return calls.submit(entry, Operation.EMBED, zeroShot(entry, List.copyOf(texts), List.copyOf(labels)),
                Accounting.of(entry, requester, start));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkZeroShot(String modelId, List<String> texts, List<String> labels) {
        Inputs.texts(modelId, "texts", texts, calls.settings().limits());
        Inputs.texts(modelId, "candidate_labels", labels, calls.settings().limits());
        if (labels.size() < 2) {
            throw ModelException.invalidInput(modelId, "candidate_labels", "needs at least two labels to choose from");
        }
    }

    private static CallRunner.Body<EmbeddingModel, ClassificationResult> zeroShot(ModelEntry entry, List<String> texts,
                                                                                 List<String> candidates) {
        return (model, worker, abandoned) -> {
            long t0 = System.nanoTime();
            List<float[]> labelVectors = model.embed(candidates);
            List<float[]> textVectors = model.embed(texts);
            List<Classification> classifications = new ArrayList<>(texts.size());
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
        };
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
}
