package dev.modelmanager.api;

/** Token counts of one generation. */
public record TokenUsage(int promptTokens, int completionTokens) {
    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
