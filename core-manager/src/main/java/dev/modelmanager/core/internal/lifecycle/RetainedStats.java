package dev.modelmanager.core.internal.lifecycle;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.modelmanager.api.ModelStats;

/**
 * Statistics of models no longer registered (and of models restored but not yet registered), by id, so that a model
 * registered again goes on counting from them. Only the {@link #LIMIT} most recently put are kept and older ones are
 * forgotten: an application that registers models under ids of its own making (one per tenant, per test run) would
 * otherwise grow this map, and the state file it is saved in, for ever. Thread-safe.
 */
public final class RetainedStats {
    /** How many ids are kept. */
    public static final int LIMIT = 1000;

    private final int limit;
    /** Oldest first. */
    private final LinkedHashMap<String, ModelStats> byAge = new LinkedHashMap<>();

    public RetainedStats() {
        this(LIMIT);
    }

    RetainedStats(int limit) {
        this.limit = limit;
    }

    /** Keeps {@code stats} for {@code id} as the newest, forgetting the oldest beyond the limit. */
    public synchronized void put(String id, ModelStats stats) {
        byAge.remove(id);
        byAge.put(id, stats);
        var oldest = byAge.entrySet().iterator();
        while (byAge.size() > limit) {
            oldest.next();
            oldest.remove();
        }
    }

    /** {@link #put} for each, in the map's order (oldest first, as {@link #snapshot} gives them). */
    public synchronized void putAll(Map<String, ModelStats> all) {
        all.forEach(this::put);
    }

    /** Takes the statistics of {@code id} out, if kept. */
    public synchronized ModelStats remove(String id) {
        return byAge.remove(id);
    }

    /** A copy, oldest first. */
    public synchronized Map<String, ModelStats> snapshot() {
        return new LinkedHashMap<>(byAge);
    }
}
