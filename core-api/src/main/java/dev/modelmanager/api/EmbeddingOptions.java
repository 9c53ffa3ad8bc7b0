package dev.modelmanager.api;

/**
 * Per-call choices of an embedding call.
 *
 * @param promptName the model's named prompt to put before each text (sentence-transformers' {@code prompts} in
 *                   {@code config_sentence_transformers.json}, e.g. {@code query} or {@code passage}); {@code null}
 *                   for the model's default prompt, if it has one
 */
public record EmbeddingOptions(String promptName) {
    /** The model's defaults. */
    public static final EmbeddingOptions DEFAULTS = new EmbeddingOptions(null);

    public EmbeddingOptions {
        if (promptName != null && promptName.isBlank()) {
            throw ModelException.invalidInput(null, "prompt_name", "must not be blank");
        }
    }

    /** With the model's prompt {@code name}. */
    public static EmbeddingOptions prompt(String name) {
        return new EmbeddingOptions(name);
    }
}
