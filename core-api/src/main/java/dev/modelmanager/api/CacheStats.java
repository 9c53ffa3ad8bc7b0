package dev.modelmanager.api;

/**
 * The embedding cache of a model (or of all models together).
 *
 * @param size    vectors held now
 * @param hits    texts answered from the cache
 * @param misses  texts the model had to embed
 */
public record CacheStats(long size, long hits, long misses) {
    public static final CacheStats EMPTY = new CacheStats(0, 0, 0);

    /** Hits over all lookups, 0 when there were none. */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }

    public CacheStats plus(CacheStats other) {
        return new CacheStats(size + other.size, hits + other.hits, misses + other.misses);
    }
}
