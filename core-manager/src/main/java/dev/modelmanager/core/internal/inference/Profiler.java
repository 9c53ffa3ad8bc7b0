package dev.modelmanager.core.internal.inference;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.core.internal.lifecycle.EventPublisher;

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
    private final EventPublisher events;

    public Profiler(ModelManager manager, EventPublisher events) {
        this.manager = manager;
        this.events = events;
    }

    /** Runs and measures the calls, posting {@code PROFILING_STARTED} before and {@code PROFILING_COMPLETED} after. */
    public ProfileResult run(ModelInfo model, int requests) {
        Map<String, Object> about = Map.of(ModelEvents.MODEL_ID, model.modelId(), ModelEvents.MODEL_TYPE,
            model.modelType().id(), ModelEvents.MODEL_NAME, model.name(), ModelEvents.REQUESTS, requests);
        events.post(ModelEvents.PROFILING_STARTED, about);
        long started = System.nanoTime();
        ProfileResult result;
        try {
            result = measure(model, requests);
        } catch (RuntimeException e) {
            Map<String, Object> failed = new HashMap<>(about);
            failed.put(ModelEvents.REASON, e.toString());
            failed.put(ModelEvents.DURATION_MS, (System.nanoTime() - started) / 1_000_000);
            events.post(ModelEvents.PROFILING_COMPLETED, failed);
            throw e;
        }
        Map<String, Object> done = new HashMap<>(about);
        done.put(ModelEvents.REQUESTS, result.requests());
        done.put(ModelEvents.FAILURES, result.failures());
        done.put(ModelEvents.P50_LATENCY_MS, result.p50LatencySeconds() * 1000);
        done.put(ModelEvents.P95_LATENCY_MS, result.p95LatencySeconds() * 1000);
        done.put(ModelEvents.ITEMS_PER_SECOND, result.itemsPerSecond());
        done.put(ModelEvents.TOKENS_PER_SECOND, result.tokensPerSecond());
        done.put(ModelEvents.MEMORY_BYTES, result.memoryBytes());
        done.put(ModelEvents.DURATION_MS, (System.nanoTime() - started) / 1_000_000);
        events.post(ModelEvents.PROFILING_COMPLETED, done);
        return result;
    }

    private ProfileResult measure(ModelInfo model, int requests) {
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
