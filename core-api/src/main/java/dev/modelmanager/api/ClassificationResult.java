package dev.modelmanager.api;

import java.time.Duration;
import java.util.List;

/**
 * What {@link ModelManager#classify} answers: one {@link Classification} per text, in input order.
 */
public record ClassificationResult(String modelId, List<Classification> classifications, Duration processingTime,
                                   String workerId, String device) {
    public ClassificationResult {
        classifications = List.copyOf(classifications);
    }
}
