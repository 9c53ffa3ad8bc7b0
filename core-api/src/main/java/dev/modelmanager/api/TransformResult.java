package dev.modelmanager.api;

import java.time.Duration;
import java.util.List;

/** What {@link ModelManager#transform} answers: one output per input, in input order. */
public record TransformResult(String modelId, List<String> outputs, Duration processingTime, String workerId,
                              String device) {
    public TransformResult {
        outputs = List.copyOf(outputs);
    }
}
