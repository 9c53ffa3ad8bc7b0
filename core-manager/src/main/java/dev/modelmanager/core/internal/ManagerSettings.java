package dev.modelmanager.core.internal;

import java.nio.file.Path;
import java.time.Duration;

import dev.modelmanager.core.internal.source.HubSettings;

/**
 * The manager's settings as values, read from {@link ManagerConfig} or built directly in tests.
 *
 * @param idleTimeout          grace period between the last release and the unload
 * @param loadTimeout          how long a call waits for a load
 * @param workerConcurrency    calls one loaded instance runs at once
 * @param providerDrainTimeout how long a leaving provider's running calls may take
 * @param unloadDrainTimeout   how long an unloading model's running calls may take
 * @param streamStallTimeout   how long a stream waits for demand
 * @param hub                  how to reach the Hugging Face Hub and where its cache is
 * @param workDir              the manager's own folder (extracted resources)
 * @param cache                the embedding cache settings
 * @param queueCapacity        calls that may wait for a worker beyond those running
 * @param stateFile            where the manager keeps its state across restarts, or {@code null} for nowhere
 * @param microBatching        whether concurrent embedding calls to one model are coalesced into batches
 * @param memoryBudget         how much memory models may reserve per device
 * @param evictWhenFull        over budget: unload idle, unpinned, lower-priority models (true) or refuse (false)
 * @param maxLoadedModels      most models loaded at once (0 = no limit; remote models do not count)
 * @param queueTimeout         how long a call may wait for a free worker before {@code TIMEOUT} (0 = no limit)
 * @param maxWorkers           most loaded instances per model (its worker pool grows to it while calls queue)
 * @param roundRobin           calls go to the pool's instances in turn (true) or to the least busy (false)
 * @param batchDelay           how long texts may wait for company while a slot is free (0 = not at all)
 */
public record ManagerSettings(Duration idleTimeout, Duration loadTimeout, int workerConcurrency,
                              Duration providerDrainTimeout, Duration unloadDrainTimeout,
                              Duration streamStallTimeout, HubSettings hub, Path workDir, CacheSettings cache,
                              int queueCapacity, Path stateFile, boolean microBatching,
                              MemoryBudget.Limit memoryBudget, boolean evictWhenFull, int maxLoadedModels,
                              Duration queueTimeout, int maxWorkers, boolean roundRobin, Duration batchDelay) {

    /**
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

    public static final ManagerSettings DEFAULTS = new ManagerSettings(Duration.ofMinutes(5), Duration.ofMinutes(10),
        4, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5),
        HubSettings.from(null, null, null, false, false, System.getenv()), defaultWorkDir(""), CacheSettings.DEFAULTS,
        256, null, true, MemoryBudget.Limit.INFINITY, true, 0, Duration.ofMinutes(5), 1, false, Duration.ZERO);

    public ManagerSettings {
        requireNonNegative("idle_timeout", idleTimeout);
        requireNonNegative("load_timeout", loadTimeout);
        requireNonNegative("provider_drain_timeout", providerDrainTimeout);
        requireNonNegative("unload_drain_timeout", unloadDrainTimeout);
        requireNonNegative("stream_stall_timeout", streamStallTimeout);
        if (workerConcurrency < 1) {
            throw new IllegalArgumentException("worker_concurrency must be >= 1, was " + workerConcurrency);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queue_capacity must be >= 0, was " + queueCapacity);
        }
        requireNonNegative("queue_timeout", queueTimeout);
        requireNonNegative("micro_batching_delay", batchDelay);
        if (memoryBudget == null) {
            throw new IllegalArgumentException("memory budget is required");
        }
        if (hub == null || workDir == null || cache == null) {
            throw new IllegalArgumentException("hub settings, work folder and cache settings are required");
        }
    }

    static ManagerSettings from(ManagerConfig config) {
        return new ManagerSettings(
            Duration.ofSeconds(config.idle_timeout_seconds()),
            Duration.ofSeconds(config.load_timeout_seconds()),
            config.worker_concurrency(),
            Duration.ofMillis(config.provider_drain_timeout_ms()),
            Duration.ofSeconds(config.unload_drain_timeout_seconds()),
            Duration.ofSeconds(config.stream_stall_timeout_seconds()),
            HubSettings.from(config.hub_endpoint(), config.hub_token(), config.hub_cache_dir(), config.hub_offline(),
                config.hub_check_updates(), System.getenv()),
            defaultWorkDir(config.work_dir()),
            new CacheSettings(config.embedding_cache_enabled(), config.embedding_cache_max_size(),
                Duration.ofSeconds(config.embedding_cache_ttl_seconds())),
            config.queue_capacity(),
            config.state_file() == null || config.state_file().isBlank() ? null : Path.of(config.state_file()),
            config.micro_batching(),
            MemoryBudget.Limit.parse(config.memory_budget()),
            !"refuse".equalsIgnoreCase(config.memory_policy().strip()),
            Math.max(0, config.max_loaded_models()),
            Duration.ofSeconds(Math.max(0, config.queue_timeout_seconds())),
            Math.max(1, config.worker_max_instances()),
            "round-robin".equalsIgnoreCase(config.worker_balancing().strip()),
            Duration.ofMillis(Math.max(0, config.micro_batching_delay_ms())));
    }

    private static Path defaultWorkDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String home = System.getProperty("modelmanager.home");
        return home != null ? Path.of(home, "data") : Path.of(System.getProperty("user.home"), ".cache", "modelmanager");
    }

    public ManagerSettings withIdleTimeout(Duration value) {
        return new ManagerSettings(value, loadTimeout, workerConcurrency, providerDrainTimeout, unloadDrainTimeout,
            streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withLoadTimeout(Duration value) {
        return new ManagerSettings(idleTimeout, value, workerConcurrency, providerDrainTimeout, unloadDrainTimeout,
            streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withProviderDrainTimeout(Duration value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, value, unloadDrainTimeout,
            streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withHub(HubSettings value, Path work) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, value, work, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withCache(CacheSettings value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, value, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withQueue(int concurrency, int capacity) {
        return new ManagerSettings(idleTimeout, loadTimeout, concurrency, providerDrainTimeout, unloadDrainTimeout,
            streamStallTimeout, hub, workDir, cache, capacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withStateFile(Path value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, value, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withMicroBatching(boolean value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, value,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withMemory(MemoryBudget.Limit budget, boolean evict, int maxLoaded) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            budget, evict, maxLoaded, queueTimeout, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withQueueTimeout(Duration value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, value, maxWorkers, roundRobin, batchDelay);
    }

    public ManagerSettings withWorkers(int max, boolean roundRobinBalancing) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, max, roundRobinBalancing, batchDelay);
    }

    public ManagerSettings withBatchDelay(Duration value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
            unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
            memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, value);
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
