package dev.modelmanager.api;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one registered model, safe to show to operators (no secrets).
 *
 * @param modelId              the registration id
 * @param modelType            what it does
 * @param name                 the model's name
 * @param source               where it comes from, described
 * @param status               where it is in its lifecycle
 * @param reason               why it failed or waits, otherwise {@code null}
 * @param provider             the provider serving it (or chosen to), or {@code null}
 * @param requesters           who holds a reference, sorted
 * @param isDefault            whether {@code "default"} routes to it
 * @param device               the device its worker runs on, or {@code null} while not loaded
 * @param deviceNote           why it runs on another device than asked, or {@code null}
 * @param workers              loaded instances (workers) serving it
 * @param inFlight             calls running now
 * @param requests             calls served since registration
 * @param failures             calls that failed since registration
 * @param estimatedMemoryBytes the provider's estimate, or -1 if unknown
 * @param memoryBytes          memory the loaded model reports using, or -1 if unknown
 * @param loadedAt             when it finished loading, or {@code null}
 * @param lastUsed             when a call last used it, or {@code null}
 * @param priority             its priority
 * @param pinned               whether it is pinned
 * @param preloadWorkers       workers loaded at registration
 * @param progress             while {@link ModelStatus#DOWNLOADING}: what is being fetched, how far, how fast;
 *                             otherwise {@code null}
 * @param details              facts the provider reports about the loaded model (architecture, memory estimate
 *                             and measurement, chat template, ...); empty while not loaded
 * @param cache                its embedding cache, or {@code null} when it has none (not an embedding model, or
 *                             {@code cache_embeddings=false}, or the cache is off)
 * @param stats                what it has served: calls, failures, items, tokens, latency histogram
 * @param queued               calls waiting for a worker beyond those running
 */
public record ModelInfo(
    String modelId,
    ModelType modelType,
    String name,
    String source,
    ModelStatus status,
    String reason,
    String provider,
    List<String> requesters,
    boolean isDefault,
    String device,
    String deviceNote,
    int workers,
    int inFlight,
    long requests,
    long failures,
    long estimatedMemoryBytes,
    long memoryBytes,
    Instant loadedAt,
    Instant lastUsed,
    int priority,
    boolean pinned,
    int preloadWorkers,
    String progress,
    java.util.Map<String, String> details,
    CacheStats cache,
    ModelStats stats,
    int queued) {

    public ModelInfo {
        requesters = List.copyOf(requesters);
        details = details == null ? java.util.Map.of() : java.util.Map.copyOf(details);
        stats = stats == null ? ModelStats.EMPTY : stats;
    }

    public int referenceCount() {
        return requesters.size();
    }

    /**
     * A whole-number detail, e.g. {@code download.bytes}; -1 when the model has no such detail or it is no number.
     */
    public long detailNumber(String key) {
        try {
            return Long.parseLong(details.getOrDefault(key, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether it is to be preloaded and has not settled yet (readiness waits for it). */
    public boolean preloading() {
        return preloadWorkers > 0 && (status == ModelStatus.REGISTERED || status == ModelStatus.DOWNLOADING
            || status == ModelStatus.LOADING);
    }
}
