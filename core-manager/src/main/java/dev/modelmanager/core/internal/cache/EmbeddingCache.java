package dev.modelmanager.core.internal.cache;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import dev.modelmanager.api.CacheStats;

/**
 * One model's embeddings by text: at most {@code maxSize} vectors, each kept {@code ttl} after it was computed
 * (Caffeine: size-bounded with near-LRU eviction, expiry on a ticker that tests can drive), each with the token
 * counts it was computed with.
 */
public final class EmbeddingCache {
    /**
     * A cached vector with what the model read of its text ({@code dev.modelmanager.api.Embedding#UNKNOWN} where the
     * provider could not tell).
     */
    public record Entry(float[] vector, int tokens, int truncatedTokens) {
    }

    private final Cache<String, Entry> cache;

    public EmbeddingCache(long maxSize, Duration ttl, Ticker ticker) {
        // Maintenance (eviction) on the calling thread: exact bounds, and no use of the shared ForkJoin pool.
        this.cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(ttl).ticker(ticker).executor(Runnable::run)
            .recordStats().build();
    }

    /** The cached entry, or {@code null}; counts a hit or a miss. */
    public Entry get(String text) {
        return cache.getIfPresent(text);
    }

    public void put(String text, Entry entry) {
        cache.put(text, entry);
    }

    public void clear() {
        cache.invalidateAll();
    }

    public CacheStats stats() {
        com.github.benmanes.caffeine.cache.stats.CacheStats s = cache.stats();
        return new CacheStats(cache.estimatedSize(), s.hitCount(), s.missCount());
    }
}
