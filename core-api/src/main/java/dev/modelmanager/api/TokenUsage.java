package dev.modelmanager.api;

/**
 * Token counts of one generation.
 *
 * @param promptTokens       tokens of the prompt (as the model tokenizes it)
 * @param completionTokens   tokens generated
 * @param cachedPromptTokens of the prompt's tokens, those the engine did not compute again because its cache held
 *                           them (a chat's earlier turns in the same slot: llama.cpp's {@code tokens_cached}, OpenAI's
 *                           {@code prompt_tokens_details.cached_tokens}); 0 when none were, or the engine does not say
 */
public record TokenUsage(int promptTokens, int completionTokens, int cachedPromptTokens) {
    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0 || cachedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("token counts must be >= 0 and cached prompt tokens at most the prompt's "
                + "(" + promptTokens + ", " + completionTokens + ", " + cachedPromptTokens + ")");
        }
    }

    /** Counts without cached prompt tokens. */
    public TokenUsage(int promptTokens, int completionTokens) {
        this(promptTokens, completionTokens, 0);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
