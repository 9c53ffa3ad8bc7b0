package dev.modelmanager.api;

/** Why generation ended. */
public enum FinishReason {
    /** The model produced its end-of-sequence token or a stop string. */
    STOP,
    /** {@code max_output_length} was reached. */
    LENGTH,
    /** The caller cancelled the stream. */
    CANCELLED
}
