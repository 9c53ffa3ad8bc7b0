package dev.modelmanager.api;

import java.time.Instant;

/**
 * What a {@link ModelManager#profile} run measured.
 *
 * @param modelId            the model profiled
 * @param requests           calls made
 * @param failures           calls that failed
 * @param meanLatencySeconds mean call latency
 * @param p50LatencySeconds  median call latency
 * @param p95LatencySeconds  95th percentile call latency
 * @param itemsPerSecond     texts embedded, classified or transformed per second of call time (generations: calls)
 * @param tokensPerSecond    generated tokens per second of call time (0 for models that do not generate)
 * @param memoryBytes        what the loaded model reports using, -1 if unknown
 * @param finishedAt         when the run ended
 */
public record ProfileResult(String modelId, int requests, int failures, double meanLatencySeconds,
                            double p50LatencySeconds, double p95LatencySeconds, double itemsPerSecond,
                            double tokensPerSecond, long memoryBytes, Instant finishedAt) {

    /** Successful calls over all calls. */
    public double successRate() {
        return requests == 0 ? 0 : (double) (requests - failures) / requests;
    }
}
