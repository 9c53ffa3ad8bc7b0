package dev.modelmanager.api;

import java.time.Duration;

/**
 * One text's embedding.
 *
 * @param vector         the vector; callers must not modify it
 * @param cached         {@code true} when it came from the embedding cache rather than the model
 * @param processingTime time the model spent on the batch that computed it ({@link Duration#ZERO} when cached)
 * @param workerId       the worker (loaded instance) that computed it, or {@code null} when cached
 * @param device         the device it was computed on, e.g. {@code cpu} or {@code cuda:0}, or {@code null}
 *                       when cached
 */
public record Embedding(float[] vector, boolean cached, Duration processingTime, String workerId, String device) {
    public int dimension() {
        return vector.length;
    }
}
