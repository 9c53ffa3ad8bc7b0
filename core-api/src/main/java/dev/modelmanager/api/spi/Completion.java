package dev.modelmanager.api.spi;

import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.TokenUsage;

/** A provider's result of one generation; the manager adds timing, worker and device. */
public record Completion(String text, FinishReason finishReason, TokenUsage usage) {
}
