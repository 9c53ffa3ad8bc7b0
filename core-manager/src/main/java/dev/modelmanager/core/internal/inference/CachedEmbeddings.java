package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.core.internal.cache.EmbeddingCache;
import dev.modelmanager.core.internal.exec.MicroBatcher.Done;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * One embedding call's texts split by the model's cache: the vectors it already holds, and the distinct texts left
 * to the model (an all-cached call needs no loaded model; a text given twice is computed once). Puts what the model
 * computes into the cache and answers in the callers' order.
 */
final class CachedEmbeddings {
    private final EmbeddingCache cache;
    /** The call's texts without repeats; {@link #results} and {@link #missing} are over these. */
    private final Distinct distinct;
    private final Embedding[] results;
    private final List<String> missing;
    /** Where each missing text's vector goes; {@code null} when all are missing (in order). */
    private final int[] slots;

    /** What the cache keys a text by: the text, after the prompt's name when it has one. */
    private final String prefix;

    private CachedEmbeddings(EmbeddingCache cache, Distinct distinct, Embedding[] results, List<String> missing,
                             int[] slots, String prefix) {
        this.prefix = prefix;
        this.cache = cache;
        this.distinct = distinct;
        this.results = results;
        this.missing = missing;
        this.slots = slots;
    }

    /** The cached vectors of texts embedded after the model's prompt {@code prompt} ({@code null}: none). */
    static CachedEmbeddings lookUp(ModelEntry entry, List<String> texts, String prompt) {
        EmbeddingCache cache = entry.cache();
        Distinct distinct = Distinct.of(texts);
        List<String> unique = distinct.texts();
        Embedding[] results = new Embedding[unique.size()];
        String prefix = prompt == null ? "" : "\u0000prompt:" + prompt + "\u0000";
        if (cache == null) {
            return new CachedEmbeddings(null, distinct, results, unique, null, prefix);
        }
        List<String> missing = new ArrayList<>(unique.size());
        int[] slots = new int[unique.size()];
        for (int i = 0; i < unique.size(); i++) {
            float[] hit = cache.get(key(prefix, unique.get(i)));
            if (hit != null) {
                results[i] = new Embedding(hit, true, Duration.ZERO, null, null);
            } else {
                slots[missing.size()] = i;
                missing.add(unique.get(i));
            }
        }
        return new CachedEmbeddings(cache, distinct, results, missing,
            missing.size() == unique.size() ? null : Arrays.copyOf(slots, missing.size()), prefix);
    }

    /** The distinct texts the model must embed. */
    List<String> missing() {
        return missing;
    }

    /** The answer, with the model's vectors for {@link #missing()} (in that order) put in place and cached. */
    EmbeddingResult result(String modelId, List<Done<float[]>> computed, long start) {
        for (int k = 0; k < computed.size(); k++) {
            Done<float[]> d = computed.get(k);
            results[slots == null ? k : slots[k]] = embedding(d);
            if (cache != null) {
                cache.put(key(prefix, missing.get(k)), d.value());
            }
        }
        return new EmbeddingResult(modelId, distinct.expand(List.of(results)),
            Duration.ofNanos(System.nanoTime() - start));
    }

    private static Embedding embedding(Done<float[]> d) {
        return new Embedding(d.value(), false, d.took(), d.workerId(), d.device());
    }

    private static String key(String prefix, String text) {
        return prefix.isEmpty() ? text : prefix + text;
    }
}
