package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final Embedding[] results;
    private final List<String> missing;
    /** For each text, where its vector is in {@link #missing} ({@code -1}: cached); {@code null}: all, in order. */
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
        List<String> missing = new ArrayList<>(texts.size());
        Map<String, Integer> seen = new HashMap<>();
        int[] slots = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            float[] hit = cache == null ? null : cache.get(key(prefix, text));
            if (hit != null) {
                results[i] = new Embedding(hit, true, Duration.ZERO, null, null);
                slots[i] = -1;
                continue;
            }
            Integer first = seen.putIfAbsent(text, missing.size());
            if (first == null) {
                slots[i] = missing.size();
                missing.add(text);
            } else {
                slots[i] = first;
            }
        }
        return new CachedEmbeddings(cache, results, missing, missing.size() == texts.size() ? null : slots, prefix);
    }

    /** The distinct texts the model must embed. */
    List<String> missing() {
        return missing;
    }

    /** The answer, with the model's vectors for {@link #missing()} (in that order) put in place and cached. */
    EmbeddingResult result(String modelId, List<Done<float[]>> computed, long start) {
        if (slots == null) {
            for (int k = 0; k < computed.size(); k++) {
                results[k] = embedding(computed.get(k));
            }
        } else if (!computed.isEmpty()) {
            for (int i = 0; i < results.length; i++) {
                if (slots[i] >= 0) {
                    results[i] = embedding(computed.get(slots[i]));
                }
            }
        }
        if (cache != null) {
            for (int k = 0; k < computed.size(); k++) {
                cache.put(key(prefix, missing.get(k)), computed.get(k).value());
            }
        }
        return new EmbeddingResult(modelId, List.of(results), Duration.ofNanos(System.nanoTime() - start));
    }

    private static Embedding embedding(Done<float[]> d) {
        return new Embedding(d.value(), false, d.took(), d.workerId(), d.device());
    }

    private static String key(String prefix, String text) {
        return prefix.isEmpty() ? text : prefix + text;
    }
}
