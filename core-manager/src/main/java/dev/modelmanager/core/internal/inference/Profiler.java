package dev.modelmanager.core.internal.inference;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ProfileResult;

/**
 * Runs standard calls on a model, one after another, and measures them: a different sentence each time for
 * embedding and classification (so the embedding cache does not answer), a short greedy completion for generation,
 * a short sentence for text2text.
 */
public final class Profiler {
    static final String SENTENCE = "The quick brown fox jumps over the lazy dog, profiling round ";
    static final String PROMPT = "Once upon a time";
    static final GenerationOptions GENERATION = GenerationOptions.builder().maxOutputLength(32).temperature(0.0).build();

    private final ModelManager manager;

    public Profiler(ModelManager manager) {
        this.manager = manager;
    }

    public ProfileResult run(ModelInfo model, int requests) {
        String id = model.modelId();
        long[] latencies = new long[requests];
        int failures = 0;
        long items = 0;
        long tokens = 0;
        long nonce = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            String text = SENTENCE + nonce + "-" + i;
            long t0 = System.nanoTime();
            try {
                switch (model.modelType()) {
                    case EMBEDDING -> items += manager.embed(id, List.of(text)).embeddings().size();
                    case CLASSIFICATION -> items += manager.classify(id, List.of(text)).classifications().size();
                    case TEXT2TEXT -> items += manager.transform(id, List.of(text), GENERATION).outputs().size();
                    case TEXT_GENERATION -> {
                        GenerationResult r = manager.generate(id, PROMPT, GENERATION);
                        items++;
                        tokens += r.usage() == null ? 0 : r.usage().completionTokens();
                    }
                }
            } catch (ModelException e) {
                failures++;
            }
            latencies[i] = System.nanoTime() - t0;
        }
        long total = Arrays.stream(latencies).sum();
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        double seconds = total / 1e9;
        return new ProfileResult(id, requests, failures, seconds / requests, quantile(sorted, 0.5),
            quantile(sorted, 0.95), seconds == 0 ? 0 : items / seconds, seconds == 0 ? 0 : tokens / seconds,
            manager.info(id).memoryBytes(), Instant.now());
    }

    private static double quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1 < 0 ? 0
            : (int) Math.ceil(q * sorted.length) - 1)] / 1e9;
    }
}
