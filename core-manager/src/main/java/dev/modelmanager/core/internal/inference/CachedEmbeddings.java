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
 * One embedding call's texts split by the model's cache: the vectors it already holds, and the texts left to the
 * model (an all-cached call needs no loaded model). Puts what the model computes into the cache and answers in the
 * callers' order.
 */
final class CachedEmbeddings {
    private final EmbeddingCache cache;
    private final Embedding[] results;
    private final List<String> missing;
    /** Where each missing text's vector goes; {@code null} when all are missing (in order). */
    private final int[] slots;

    /** What the cache keys a text by: the text, after the prompt's name when it has one. */
    private final String prefix;

    private CachedEmbeddings(EmbeddingCache cache, Embedding[] results, List<String> missing, int[] slots,
                             String prefix) {
        this.prefix = prefix;
        this.cache = cache;
        this.results = results;
        this.missing = missing;
        this.slots = slots;
    }

    /** The cached vectors of texts embedded after the model's prompt {@code prompt} ({@code null}: none). */
    static CachedEmbeddings lookUp(ModelEntry entry, List<String> texts, String prompt) {
        EmbeddingCache cache = entry.cache();
        Embedding[] results = new Embedding[texts.size()];
        String prefix = prompt == null ? "" : "\u0000prompt:" + prompt + "\u0000";
        if (cache == null) {
            return new CachedEmbeddings(null, results, List.copyOf(texts), null, prefix);
        }
        List<String> missing = new ArrayList<>(texts.size());
        int[] slots = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            float[] hit = cache.get(key(prefix, texts.get(i)));
            if (hit != null) {
                results[i] = new Embedding(hit, true, Duration.ZERO, null, null);
            } else {
                slots[missing.size()] = i;
                missing.add(texts.get(i));
            }
        }
        return new CachedEmbeddings(cache, results, missing,
            missing.size() == texts.size() ? null : Arrays.copyOf(slots, missing.size()), prefix);
    }

    /** The texts the model must embed. */
    List<String> missing() {
        return missing;
    }

    /** The answer, with the model's vectors for {@link #missing()} (in that order) put in place and cached. */
    EmbeddingResult result(String modelId, List<Done<float[]>> computed, long start) {
        for (int k = 0; k < computed.size(); k++) {
            Done<float[]> d = computed.get(k);
            results[slots == null ? k : slots[k]] = new Embedding(d.value(), false, d.took(), d.workerId(), d.device());
            if (cache != null) {
                cache.put(key(prefix, missing.get(k)), d.value());
            }
        }
        return new EmbeddingResult(modelId, List.of(results), Duration.ofNanos(System.nanoTime() - start));
    }

    private static String key(String prefix, String text) {
        return prefix.isEmpty() ? text : prefix + text;
    }
}
