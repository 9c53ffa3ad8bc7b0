package dev.modelmanager.api;

/**
 * One piece of a streamed generation. Every chunk but the last carries text; the last one carries the
 * {@link #finishReason()} and {@link #usage()} (and may carry text too).
 *
 * @param index        0, 1, 2, ... in stream order
 * @param text         the text of this piece (may be empty in the last chunk)
 * @param finishReason {@code null} except in the last chunk
 * @param usage        {@code null} except in the last chunk
 */
public record GenerationChunk(int index, String text, FinishReason finishReason, TokenUsage usage) {
    public boolean last() {
        return finishReason != null;
    }
}
