package dev.modelmanager.api;

import java.time.Duration;

/**
 * What {@link ModelManager#generate} and {@link ModelManager#chat} answer.
 *
 * @param modelId        the model that answered
 * @param text           the generated text (without the prompt)
 * @param finishReason   why generation ended
 * @param usage          prompt and completion token counts, as far as the provider reports them
 * @param processingTime time the model spent
 * @param workerId       the worker that ran it
 * @param device         the device it ran on
 */
public record GenerationResult(String modelId, String text, FinishReason finishReason, TokenUsage usage,
                               Duration processingTime, String workerId, String device) {
}
