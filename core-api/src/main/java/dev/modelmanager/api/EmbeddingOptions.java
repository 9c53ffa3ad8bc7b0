package dev.modelmanager.api;

/**
 * Per-call choices of an embedding call.
 *
 * @param promptName the model's named prompt to put before each text (sentence-transformers' {@code prompts} in
 *                   {@code config_sentence_transformers.json}, e.g. {@code query} or {@code passage}); {@code null}
 *                   for the model's default prompt, if it has one
 * @param truncate   what to do with a text longer than the model reads ({@code max_input_length}): {@code true}
 *                   embeds its start, as sentence-transformers does (the answer says so:
 *                   {@link Embedding#truncatedTokens}); {@code false} refuses the call with
 *                   {@link ErrorCode#INVALID_INPUT} naming the text ({@code texts[3]}), its tokens and the most
 *                   the model reads, as text-embeddings-inference's {@code truncate: false} does; {@code null}
 *                   for the model's requirement option {@value #TRUNCATE_OPTION} ({@code option.truncate}), else
 *                   {@code true}. Refusing needs a provider that counts tokens per text: where it cannot tell, the
 *                   text is embedded as the provider does it
 */
public record EmbeddingOptions(String promptName, Boolean truncate) {
    /** The model's defaults. */
    public static final EmbeddingOptions DEFAULTS = new EmbeddingOptions(null, null);
    /**
     * The requirement option ({@code option.truncate=false}) that makes {@code false} a model's default for
     * {@link #truncate}; {@code true} or {@code false}. A remote text-embeddings-inference endpoint reads it too.
     */
    public static final String TRUNCATE_OPTION = "truncate";

    public EmbeddingOptions {
        if (promptName != null && promptName.isBlank()) {
            throw ModelException.invalidInput(null, "prompt_name", "must not be blank");
        }
    }

    /** With the model's prompt {@code promptName}, truncating as the model's requirement says. */
    public EmbeddingOptions(String promptName) {
        this(promptName, null);
    }

    /** With the model's prompt {@code name}. */
    public static EmbeddingOptions prompt(String name) {
        return new EmbeddingOptions(name);
    }

    /** These options, truncating ({@code true}) or refusing ({@code false}) texts longer than the model reads. */
    public EmbeddingOptions withTruncate(boolean truncate) {
        return new EmbeddingOptions(promptName, truncate);
    }
}
