package dev.modelmanager.api.spi;

/**
 * A provider's answer to "can you serve this requirement?".
 *
 * @param score  0 = cannot; 1..100 = can, higher is better
 * @param reason why not (when 0), or a note on how it would serve it
 */
public record ProviderFit(int score, String reason) {
    public ProviderFit {
        if (score < 0 || score > 100) {
            throw new IllegalArgumentException("score must be in 0..100, was " + score);
        }
        reason = reason == null ? "" : reason;
    }

    public static ProviderFit unsupported(String reason) {
        return new ProviderFit(0, reason);
    }

    public static ProviderFit supported(int score) {
        return new ProviderFit(score, "");
    }

    public boolean isSupported() {
        return score > 0;
    }
}
