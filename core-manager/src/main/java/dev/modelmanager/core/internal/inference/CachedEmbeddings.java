package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.core.internal.cache.EmbeddingCache;
import dev.modelmanager.core.internal.exec.MicroBatcher.Done;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * One embedding call's texts split by the model's cache: the vectors it already holds, and the distinct texts left
 * to the model (an all-cached call needs no loaded model; a text given twice is computed once). Puts what the model
 * computes into the cache, with its token counts, and answers in the callers' order.
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
    /** See {@link #tokensRead()}. */
    private volatile long read;

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
            EmbeddingCache.Entry hit = cache.get(key(prefix, unique.get(i)));
            if (hit != null) {
                results[i] = new Embedding(hit.vector(), true, Duration.ZERO, null, null, hit.tokens(),
                    hit.truncatedTokens());
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
    EmbeddingResult result(String modelId, List<Done<EncodedText>> computed, long start) {
        for (int k = 0; k < computed.size(); k++) {
            Done<EncodedText> d = computed.get(k);
            EncodedText t = d.value();
            results[slots == null ? k : slots[k]] = new Embedding(t.vector(), false, d.took(), d.workerId(),
                d.device(), t.tokens(), t.truncatedTokens());
            if (cache != null) {
                cache.put(key(prefix, missing.get(k)), new EmbeddingCache.Entry(t.vector(), t.tokens(),
                    t.truncatedTokens()));
            }
        }
        read = tokens(computed, false);
        List<Embedding> all = distinct.expand(List.of(results));
        return new EmbeddingResult(modelId, all, Duration.ofNanos(System.nanoTime() - start),
            totalTokens(all, computed));
    }

    /**
     * The tokens the model read for this call once {@link #result} made its answer, for usage accounting: those of
     * the texts it computed (not of those answered from the cache; a repeated text's once), as far as the provider
     * counted them.
     */
    long tokensRead() {
        return read;
    }

    /**
     * The tokens of every input: the sum of the embeddings' counts when each is known. Where the provider counted only
     * whole calls (an OpenAI-compatible endpoint's {@code usage}), those calls' totals count when each call held
     * only this call's texts (not shared in a micro-batch with other callers') and no text repeats (a repeat was
     * computed once, and a call's total cannot be split to count it again); otherwise unknown.
     */
    private long totalTokens(List<Embedding> all, List<Done<EncodedText>> computed) {
        long sum = 0;
        boolean known = true;
        for (Embedding e : all) {
            known &= e.tokens() != Embedding.UNKNOWN;
            sum += e.tokens();
        }
        if (known) {
            return sum;
        }
        if (distinct.repeats()) {
            return Embedding.UNKNOWN;
        }
        long total = tokens(computed, true);
        for (Embedding e : results) {
            if (e.cached()) {
                if (e.tokens() == Embedding.UNKNOWN) {
                    return Embedding.UNKNOWN;
                }
                total += e.tokens();
            }
        }
        return total;
    }

    /**
     * The tokens read of the computed texts: each one's count, or, for texts counted only with their provider call,
     * that call's total where the call was these texts alone. A count that cannot be had makes the answer
     * {@link Embedding#UNKNOWN} when {@code strict}, and is left out otherwise.
     */
    private static long tokens(List<Done<EncodedText>> computed, boolean strict) {
        long total = 0;
        Map<EmbeddingModel.Encoded, Integer> uncounted = new IdentityHashMap<>();
        for (Done<EncodedText> d : computed) {
            if (d.value().tokens() != Embedding.UNKNOWN) {
                total += d.value().tokens();
            } else {
                uncounted.merge(d.value().call(), 1, Integer::sum);
            }
        }
        for (Map.Entry<EmbeddingModel.Encoded, Integer> call : uncounted.entrySet()) {
            if (call.getKey().size() == call.getValue() && call.getKey().totalTokens() != Embedding.UNKNOWN) {
                total += call.getKey().totalTokens();
            } else if (strict) {
                return Embedding.UNKNOWN;
            }
        }
        return total;
    }

    private static String key(String prefix, String text) {
        return prefix.isEmpty() ? text : prefix + text;
    }
}
