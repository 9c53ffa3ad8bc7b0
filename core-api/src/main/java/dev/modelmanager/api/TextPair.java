package dev.modelmanager.api;

/**
 * Two texts a model reads together: a cross-encoder's query and document, an NLI premise and hypothesis. In the
 * Hugging Face pipelines' words, {@code text} and {@code text_pair}.
 */
public record TextPair(String text, String textPair) {
    /**
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} naming {@code text} or {@code text_pair} when one is
     *                        {@code null}
     */
    public TextPair {
        if (text == null) {
            throw ModelException.invalidInput(null, "text", "must not be null");
        }
        if (textPair == null) {
            throw ModelException.invalidInput(null, "text_pair", "must not be null");
        }
    }
}
