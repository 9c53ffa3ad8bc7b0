package dev.modelmanager.core.internal.cache;

import java.time.Duration;

/**
 * How embeddings are cached.
 *
 * @param enabled whether embeddings are cached at all
 * @param maxSize most vectors per model
 * @param ttl     how long a vector is kept after it was computed
 */
public record CacheSettings(boolean enabled, long maxSize, Duration ttl) {
    public static final CacheSettings DEFAULTS = new CacheSettings(true, 10_000, Duration.ofHours(1));

    public CacheSettings {
        if (maxSize < 0 || ttl == null || ttl.isNegative()) {
            throw new IllegalArgumentException("embedding cache: size and TTL must not be negative");
        }
    }
}
