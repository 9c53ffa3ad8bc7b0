package dev.modelmanager.api;

import java.time.Duration;

/**
 * One text's embedding, with what the model read of the text. Token counts a provider cannot tell (a remote
 * endpoint that counts only whole calls, an engine that does not say) are {@link #UNKNOWN}, never 0.
 *
 * @param vector          the vector; callers must not modify it
 * @param cached          {@code true} when it came from the embedding cache rather than the model
 * @param processingTime  time the model spent on the batch that computed it ({@link Duration#ZERO} when cached)
 * @param workerId        the worker (loaded instance) that computed it, or {@code null} when cached
 * @param device          the device it was computed on, e.g. {@code cpu} or {@code cuda:0}, or {@code null}
 *                        when cached
 * @param tokens          tokens the model read for the text (special tokens and a named prompt included, after
 *                        truncation), or {@link #UNKNOWN}; a cached embedding keeps the count it was computed with
 * @param truncatedTokens tokens the model cut off the end of the text to fit its maximum input length
 *                        ({@code max_input_length}, sentence-transformers' {@code max_seq_length}): 0 when the
 *                        text fit, {@link #UNKNOWN} when the provider cannot tell
 */
public record Embedding(float[] vector, boolean cached, Duration processingTime, String workerId, String device,
                        int tokens, int truncatedTokens) {
    /** A count the provider cannot tell. */
    public static final int UNKNOWN = -1;

    public Embedding {
        if (tokens < UNKNOWN || truncatedTokens < UNKNOWN) {
            throw new IllegalArgumentException("token counts must be >= 0, or UNKNOWN (-1); were " + tokens + " and "
                + truncatedTokens);
        }
    }

    /** An embedding whose token counts are {@link #UNKNOWN}. */
    public Embedding(float[] vector, boolean cached, Duration processingTime, String workerId, String device) {
        this(vector, cached, processingTime, workerId, device, UNKNOWN, UNKNOWN);
    }

    public int dimension() {
        return vector.length;
    }

    /**
     * Whether the model read only the start of the text; {@code false} also when it cannot tell (then
     * {@link #truncatedTokens} is {@link #UNKNOWN}).
     */
    public boolean truncated() {
        return truncatedTokens > 0;
    }

    /** The text's tokens before truncation ({@link #tokens} plus {@link #truncatedTokens}), or {@link #UNKNOWN}. */
    public int untruncatedTokens() {
        return tokens == UNKNOWN || truncatedTokens == UNKNOWN ? UNKNOWN : tokens + truncatedTokens;
    }
}
