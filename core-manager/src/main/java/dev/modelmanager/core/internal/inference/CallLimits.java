package dev.modelmanager.core.internal.inference;

/**
 * What one call may ask of a model, so that no caller can hold a shared model for minutes or fill the heap: refused
 * beyond with {@code INVALID_INPUT} naming the limit's key.
 *
 * @param inputsPerCall most texts (or text pairs) in one embedding, classification or text2text call
 * @param charsPerInput most characters in one of those texts (the model reads at most its own context of them)
 */
public record CallLimits(int inputsPerCall, int charsPerInput) {
    /** Config key of {@link #inputsPerCall}. */
    public static final String INPUTS_KEY = "limits.inputs.per.call";
    /** Config key of {@link #charsPerInput}. */
    public static final String CHARS_KEY = "limits.chars.per.input";

    public static final CallLimits DEFAULTS = new CallLimits(16_384, 100_000);

    public CallLimits {
        if (inputsPerCall < 1) {
            throw new IllegalArgumentException(INPUTS_KEY + " must be >= 1, was " + inputsPerCall);
        }
        if (charsPerInput < 1) {
            throw new IllegalArgumentException(CHARS_KEY + " must be >= 1, was " + charsPerInput);
        }
    }
}
