package dev.modelmanager.core.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.modelmanager.core.internal.cache.CacheSettings;
import dev.modelmanager.core.internal.inference.CallLimits;
import dev.modelmanager.core.internal.inference.InferenceSettings;
import dev.modelmanager.core.internal.lifecycle.LifecycleSettings;
import dev.modelmanager.core.internal.memory.BudgetSettings;
import dev.modelmanager.core.internal.memory.MemoryLimit;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.core.internal.source.ModelRoots;
import dev.modelmanager.internal.secrets.Secret;
import dev.modelmanager.internal.secrets.SecretKeys;
import dev.modelmanager.internal.secrets.SecretSource;

/**
 * The manager's settings as values, read from {@link ManagerConfig} or built directly (plain Java, tests). Each
 * part of the manager sees only the settings interface of its own package ({@link LifecycleSettings},
 * {@link BudgetSettings}, {@link InferenceSettings}), which this record implements.
 *
 * @param idleTimeout          grace period between the last release and the unload
 * @param loadTimeout          how long a call waits for a load, and a provider may take to load
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
 * @param providerCallTimeout  how long a provider may take to answer a question or to close an instance
 * @param limits               what one call may ask of a model (inputs, characters per input)
 * @param providerWait         how long calls to a model whose provider left wait for one to come (an update)
 * @param modelRoots           the folders listed in {@code model.roots}: where callers the operator has not vouched
 *                             for may name model files, besides {@code modelmanager.home/models} and the Hub cache
 * @param gpuMemoryFraction    a GPU's budget as a fraction of the memory free on it for the manager's models (0: GPUs
 *                             follow {@code memoryBudget} alone)
 */
public record ManagerSettings(Duration idleTimeout, Duration loadTimeout, int workerConcurrency,
                              Duration providerDrainTimeout, Duration unloadDrainTimeout,
                              Duration streamStallTimeout, HubSettings hub, Path workDir, CacheSettings cache,
                              int queueCapacity, Path stateFile, boolean microBatching,
                              MemoryLimit memoryBudget, boolean evictWhenFull, int maxLoadedModels,
                              Duration queueTimeout, int maxWorkers, boolean roundRobin, Duration batchDelay,
                              Duration providerCallTimeout, CallLimits limits, Duration providerWait,
                              List<Path> modelRoots, double gpuMemoryFraction)
    implements LifecycleSettings, BudgetSettings, InferenceSettings {

    public static final ManagerSettings DEFAULTS = new ManagerSettings(Duration.ofMinutes(5), Duration.ofMinutes(10),
        4, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5),
        HubSettings.from(null, null, null, false, false, System.getenv()), defaultWorkDir(""), CacheSettings.DEFAULTS,
        256, null, true, MemoryLimit.INFINITY, true, 0, Duration.ofMinutes(5), 1, false, Duration.ZERO,
        Duration.ofSeconds(10), CallLimits.DEFAULTS, Duration.ofSeconds(30), List.of(), 0.8);

    public ManagerSettings {
        requireNonNegative("idle_timeout", idleTimeout);
        requireNonNegative("load_timeout", loadTimeout);
        requireNonNegative("provider_drain_timeout", providerDrainTimeout);
        requireNonNegative("unload_drain_timeout", unloadDrainTimeout);
        requireNonNegative("stream_stall_timeout", streamStallTimeout);
        requireNonNegative("queue_timeout", queueTimeout);
        requireNonNegative("micro_batching_delay", batchDelay);
        requireNonNegative("provider_call_timeout", providerCallTimeout);
        requireNonNegative("provider_wait", providerWait);
        if (workerConcurrency < 1) {
            throw new IllegalArgumentException("worker_concurrency must be >= 1, was " + workerConcurrency);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queue_capacity must be >= 0, was " + queueCapacity);
        }
        if (memoryBudget == null) {
            throw new IllegalArgumentException("memory budget is required");
        }
        if (hub == null || workDir == null || cache == null || limits == null) {
            throw new IllegalArgumentException("hub settings, work folder, cache settings and call limits are required");
        }
        modelRoots = List.copyOf(modelRoots == null ? List.of() : modelRoots);
        if (!(gpuMemoryFraction >= 0 && gpuMemoryFraction <= 1)) {
            throw new IllegalArgumentException("gpu_memory_fraction must be between 0 and 1, was " + gpuMemoryFraction);
        }
    }

    static ManagerSettings from(ManagerConfig config) {
        return from(config, Map.of());
    }

    /**
     * @param environment the process environment: where the configuration leaves a setting at its default, the
     *                    variables of {@link EnvironmentDefaults} apply
     */
    static ManagerSettings from(ManagerConfig config, Map<String, String> environment) {
        EnvironmentDefaults env = new EnvironmentDefaults(environment);
        String stateFile = env.stateFile(config.state_file());
        return new ManagerSettings(
            Duration.ofSeconds(config.idle_timeout_seconds()),
            Duration.ofSeconds(config.load_timeout_seconds()),
            config.worker_concurrency(),
            Duration.ofMillis(config.provider_drain_timeout_ms()),
            Duration.ofSeconds(config.unload_drain_timeout_seconds()),
            Duration.ofSeconds(config.stream_stall_timeout_seconds()),
            hub(config, environment),
            defaultWorkDir(config.work_dir()),
            new CacheSettings(config.embedding_cache_enabled(), config.embedding_cache_max_size(),
                Duration.ofSeconds(config.embedding_cache_ttl_seconds())),
            config.queue_capacity(),
            stateFile == null || stateFile.isBlank() ? null : Path.of(stateFile),
            config.micro_batching(),
            MemoryLimit.parse(config.memory_budget()),
            !"refuse".equalsIgnoreCase(config.memory_policy().strip()),
            env.maxLoadedModels(Math.max(0, config.max_loaded_models())),
            Duration.ofSeconds(Math.max(0, config.queue_timeout_seconds())),
            Math.max(1, config.worker_max_instances()),
            "round-robin".equalsIgnoreCase(config.worker_balancing().strip()),
            Duration.ofMillis(Math.max(0, config.micro_batching_delay_ms())),
            Duration.ofSeconds(Math.max(1, config.provider_call_timeout_seconds())),
            new CallLimits(Math.max(1, config.limits_inputs_per_call()), Math.max(1, config.limits_chars_per_input())),
            Duration.ofSeconds(Math.max(0, config.provider_wait_seconds())),
            ModelRoots.parse(config.model_roots()),
            config.gpu_memory_fraction());
    }

    /**
     * The Hub settings; the token from {@code hub.token.file}, else {@code hub.token.env}, else {@code hub.token},
     * else {@code HF_TOKEN} (as the Hugging Face tools read it). A file or variable named but unreadable leaves the
     * Hub without a token, with the problem said ({@link HubSettings#tokenProblem()}).
     */
    static HubSettings hub(ManagerConfig config, Map<String, String> environment) {
        Secret token = SecretSource.resolve(SecretKeys.HUB_TOKEN, config.hub_token(), config.hub_token_file(),
            config.hub_token_env(), environment, null);
        HubSettings hub = HubSettings.from(config.hub_endpoint(), token.value(), config.hub_cache_dir(),
            config.hub_offline(), config.hub_check_updates(), System.getenv());
        return token.unreadable() ? hub.withTokenProblem(token.describeProblem()) : hub;
    }

    /** The model roots: those listed, then {@code modelmanager.home/models}, then the Hub cache. */
    public ModelRoots roots() {
        String home = System.getProperty("modelmanager.home");
        return ModelRoots.of(modelRoots, home == null ? null : Path.of(home), hub.cacheDir());
    }

    public ManagerSettings withModelRoots(List<Path> value) {
        return builder().modelRoots(value).build();
    }

    private static Path defaultWorkDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String home = System.getProperty("modelmanager.home");
        return home != null ? Path.of(home, "data") : Path.of(System.getProperty("user.home"), ".cache", "modelmanager");
    }

    public ManagerSettings withIdleTimeout(Duration value) {
        return builder().idleTimeout(value).build();
    }

    public ManagerSettings withLoadTimeout(Duration value) {
        return builder().loadTimeout(value).build();
    }

    public ManagerSettings withProviderDrainTimeout(Duration value) {
        return builder().providerDrainTimeout(value).build();
    }

    public ManagerSettings withProviderCallTimeout(Duration value) {
        return builder().providerCallTimeout(value).build();
    }

    public ManagerSettings withHub(HubSettings value, Path work) {
        return builder().hub(value).workDir(work).build();
    }

    public ManagerSettings withCache(CacheSettings value) {
        return builder().cache(value).build();
    }

    public ManagerSettings withQueue(int concurrency, int capacity) {
        return builder().workerConcurrency(concurrency).queueCapacity(capacity).build();
    }

    public ManagerSettings withStateFile(Path value) {
        return builder().stateFile(value).build();
    }

    public ManagerSettings withMicroBatching(boolean value) {
        return builder().microBatching(value).build();
    }

    public ManagerSettings withMemory(MemoryLimit budget, boolean evict, int maxLoaded) {
        return builder().memoryBudget(budget).evictWhenFull(evict).maxLoadedModels(maxLoaded).build();
    }

    public ManagerSettings withGpuMemoryFraction(double value) {
        return builder().gpuMemoryFraction(value).build();
    }

    public ManagerSettings withQueueTimeout(Duration value) {
        return builder().queueTimeout(value).build();
    }

    public ManagerSettings withWorkers(int max, boolean roundRobinBalancing) {
        return builder().maxWorkers(max).roundRobin(roundRobinBalancing).build();
    }

    public ManagerSettings withBatchDelay(Duration value) {
        return builder().batchDelay(value).build();
    }

    /** A builder starting from these settings. */
    public Builder builder() {
        return new Builder(this);
    }

    /** Changes some settings, keeping the others. */
    public static final class Builder {
        private Duration idleTimeout;
        private Duration loadTimeout;
        private int workerConcurrency;
        private Duration providerDrainTimeout;
        private Duration unloadDrainTimeout;
        private Duration streamStallTimeout;
        private HubSettings hub;
        private Path workDir;
        private CacheSettings cache;
        private int queueCapacity;
        private Path stateFile;
        private boolean microBatching;
        private MemoryLimit memoryBudget;
        private boolean evictWhenFull;
        private int maxLoadedModels;
        private Duration queueTimeout;
        private int maxWorkers;
        private boolean roundRobin;
        private Duration batchDelay;
        private Duration providerCallTimeout;
        private CallLimits limits;
        private Duration providerWait;
        private List<Path> modelRoots;
        private double gpuMemoryFraction;

        private Builder(ManagerSettings s) {
            idleTimeout = s.idleTimeout;
            loadTimeout = s.loadTimeout;
            workerConcurrency = s.workerConcurrency;
            providerDrainTimeout = s.providerDrainTimeout;
            unloadDrainTimeout = s.unloadDrainTimeout;
            streamStallTimeout = s.streamStallTimeout;
            hub = s.hub;
            workDir = s.workDir;
            cache = s.cache;
            queueCapacity = s.queueCapacity;
            stateFile = s.stateFile;
            microBatching = s.microBatching;
            memoryBudget = s.memoryBudget;
            evictWhenFull = s.evictWhenFull;
            maxLoadedModels = s.maxLoadedModels;
            queueTimeout = s.queueTimeout;
            maxWorkers = s.maxWorkers;
            roundRobin = s.roundRobin;
            batchDelay = s.batchDelay;
            providerCallTimeout = s.providerCallTimeout;
            limits = s.limits;
            providerWait = s.providerWait;
            modelRoots = s.modelRoots;
            gpuMemoryFraction = s.gpuMemoryFraction;
        }

        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder loadTimeout(Duration v) { loadTimeout = v; return this; }
        public Builder workerConcurrency(int v) { workerConcurrency = v; return this; }
        public Builder providerDrainTimeout(Duration v) { providerDrainTimeout = v; return this; }
        public Builder unloadDrainTimeout(Duration v) { unloadDrainTimeout = v; return this; }
        public Builder streamStallTimeout(Duration v) { streamStallTimeout = v; return this; }
        public Builder hub(HubSettings v) { hub = v; return this; }
        public Builder workDir(Path v) { workDir = v; return this; }
        public Builder cache(CacheSettings v) { cache = v; return this; }
        public Builder queueCapacity(int v) { queueCapacity = v; return this; }
        public Builder stateFile(Path v) { stateFile = v; return this; }
        public Builder microBatching(boolean v) { microBatching = v; return this; }
        public Builder memoryBudget(MemoryLimit v) { memoryBudget = v; return this; }
        public Builder evictWhenFull(boolean v) { evictWhenFull = v; return this; }
        public Builder maxLoadedModels(int v) { maxLoadedModels = v; return this; }
        public Builder queueTimeout(Duration v) { queueTimeout = v; return this; }
        public Builder maxWorkers(int v) { maxWorkers = v; return this; }
        public Builder roundRobin(boolean v) { roundRobin = v; return this; }
        public Builder batchDelay(Duration v) { batchDelay = v; return this; }
        public Builder providerCallTimeout(Duration v) { providerCallTimeout = v; return this; }
        public Builder limits(CallLimits v) { limits = v; return this; }
        public Builder providerWait(Duration v) { providerWait = v; return this; }
        public Builder modelRoots(List<Path> v) { modelRoots = v; return this; }
        public Builder gpuMemoryFraction(double v) { gpuMemoryFraction = v; return this; }

        public ManagerSettings build() {
            return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, providerDrainTimeout,
                unloadDrainTimeout, streamStallTimeout, hub, workDir, cache, queueCapacity, stateFile, microBatching,
                memoryBudget, evictWhenFull, maxLoadedModels, queueTimeout, maxWorkers, roundRobin, batchDelay,
                providerCallTimeout, limits, providerWait, modelRoots, gpuMemoryFraction);
        }
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
