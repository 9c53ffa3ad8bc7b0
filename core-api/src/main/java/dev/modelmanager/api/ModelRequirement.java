package dev.modelmanager.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a host bundle needs: an immutable, validated description of one model. Fields follow the requirement
 * schema ({@code model_type}, {@code name}, {@code dimension}, ...); {@code null} in an optional field means
 * "not specified", and the provider or the model decides. Build one with {@link #builder(ModelType, String)}.
 *
 * <p>Two bundles that register the same model id must agree on what identifies the model
 * ({@link #identityDifferences}); the other fields are defaults and lifecycle hints, where the first
 * registration's defaults stand and {@code preload_workers}, {@code priority}, {@code pinned}, {@code warmup} and the idle
 * timeout take the largest value any requester asked for ({@link #mergeLifecycle}).
 *
 * @param modelType       {@code model_type}: what the model does
 * @param name            {@code name}: the model's name, e.g. a Hub repository
 * @param dimension       {@code dimension}: embedding size, checked against the model (embedding only)
 * @param device          {@code device}: {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param batchSize       {@code batch_size}: the most items run in one batch (1..4096)
 * @param cacheEmbeddings {@code cache_embeddings}: whether embeddings may be served from the cache
 * @param maxInputLength  {@code max_input_length}: tokens; longer inputs are truncated (embeddings say so, or refuse
 *                        them: {@link EmbeddingOptions#truncate})
 * @param maxOutputLength {@code max_output_length}: default most tokens generated (generation, text2text)
 * @param temperature     {@code temperature}: default sampling temperature, 0 = greedy (generation, text2text)
 * @param topK            {@code top_k}: default top-k sampling cut-off, 0 = off (generation, text2text)
 * @param topP            {@code top_p}: default nucleus sampling mass in (0, 1] (generation, text2text)
 * @param streaming       {@code streaming}: whether the requester intends to stream (generation)
 * @param numLabels       {@code num_labels}: number of classes, checked against the model (classification)
 * @param threshold       {@code threshold}: scores below it are dropped, in [0, 1] (classification)
 * @param preloadWorkers  {@code preload_workers}: 0 = verify at registration and load on first use, N = load N
 *                        workers at registration
 * @param source          where the model comes from; by default the Hub repository named by {@code name}
 * @param provider        the name of the provider that should serve it, or {@code null} for the best fit
 * @param priority        higher is more important when memory is short (default 0)
 * @param pinned          never unloaded for idleness or memory pressure
 * @param warmup          {@code warmup}: one standard call right after each instance loads, before it takes calls
 *                        (the first user call does not pay for lazy initialisation)
 * @param idleTimeout     how long an unreferenced or unused model stays loaded; {@code null} = manager default
 * @param options         provider-specific options (e.g. {@code n_ctx}, {@code n_gpu_layers}); the manager itself reads
 *                        {@value EmbeddingOptions#TRUNCATE_OPTION} ({@code true}/{@code false}: an embedding call's
 *                        default for {@link EmbeddingOptions#truncate})
 */
public record ModelRequirement(
    ModelType modelType,
    String name,
    Integer dimension,
    DeviceSelector device,
    int batchSize,
    boolean cacheEmbeddings,
    Integer maxInputLength,
    Integer maxOutputLength,
    Double temperature,
    Integer topK,
    Double topP,
    boolean streaming,
    Integer numLabels,
    Double threshold,
    int preloadWorkers,
    ModelSource source,
    String provider,
    int priority,
    boolean pinned,
    boolean warmup,
    Duration idleTimeout,
    Map<String, String> options) {

    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int MAX_BATCH_SIZE = 4096;

    public ModelRequirement {
        if (modelType == null) {
            throw ModelException.invalidRequirement("model_type", "is required");
        }
        if (name == null || name.isBlank()) {
            throw ModelException.invalidRequirement("name", "is required");
        }
        name = name.trim();
        device = device == null ? DeviceSelector.AUTO : device;
        positive("dimension", dimension);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw ModelException.invalidRequirement("batch_size", "must be in 1.." + MAX_BATCH_SIZE + ", was " + batchSize);
        }
        positive("max_input_length", maxInputLength);
        positive("max_output_length", maxOutputLength);
        if (temperature != null && (!Double.isFinite(temperature) || temperature < 0)) {
            throw ModelException.invalidRequirement("temperature", "must be a finite number >= 0, was " + temperature);
        }
        if (topK != null && topK < 0) {
            throw ModelException.invalidRequirement("top_k", "must be >= 0 (0 turns it off), was " + topK);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw ModelException.invalidRequirement("top_p", "must be in (0, 1], was " + topP);
        }
        positive("num_labels", numLabels);
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw ModelException.invalidRequirement("threshold", "must be in [0, 1], was " + threshold);
        }
        if (preloadWorkers < 0) {
            throw ModelException.invalidRequirement("preload_workers", "must be >= 0, was " + preloadWorkers);
        }
        if (idleTimeout != null && idleTimeout.isNegative()) {
            throw ModelException.invalidRequirement("idle_timeout", "must not be negative, was " + idleTimeout);
        }
        if (provider != null && provider.isBlank()) {
            provider = null;
        }
        source = source == null ? new ModelSource.Hub(name, null, null) : source;
        options = Collections.unmodifiableMap(new TreeMap<>(options == null ? Map.of() : options));
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (option.getKey() == null || option.getKey().isBlank() || option.getValue() == null) {
                throw ModelException.invalidRequirement("options", "keys and values must not be empty: " + option);
            }
        }
        appliesTo("dimension", dimension, modelType, Set.of(ModelType.EMBEDDING));
        appliesTo("num_labels", numLabels, modelType, Set.of(ModelType.CLASSIFICATION));
        appliesTo("threshold", threshold, modelType, Set.of(ModelType.CLASSIFICATION));
        Set<ModelType> generating = Set.of(ModelType.TEXT_GENERATION, ModelType.TEXT2TEXT);
        appliesTo("max_output_length", maxOutputLength, modelType, generating);
        appliesTo("temperature", temperature, modelType, generating);
        appliesTo("top_k", topK, modelType, generating);
        appliesTo("top_p", topP, modelType, generating);
        appliesTo("streaming", streaming ? Boolean.TRUE : null, modelType, Set.of(ModelType.TEXT_GENERATION));
        String truncate = options.get(EmbeddingOptions.TRUNCATE_OPTION);
        if (truncate != null && !truncate.isBlank() && !Set.of("true", "false", "yes", "no", "1", "0")
            .contains(truncate.strip().toLowerCase(java.util.Locale.ROOT))) {
            throw ModelException.invalidRequirement("options." + EmbeddingOptions.TRUNCATE_OPTION,
                "must be true or false, was " + truncate);
        }
    }

    private static void positive(String field, Integer value) {
        if (value != null && value <= 0) {
            throw ModelException.invalidRequirement(field, "must be > 0, was " + value);
        }
    }

    private static void appliesTo(String field, Object value, ModelType type, Set<ModelType> types) {
        if (value != null && !types.contains(type)) {
            throw ModelException.invalidRequirement(field, "does not apply to " + type + " models");
        }
    }

    /** A builder for a model of the given type and name. */
    public static Builder builder(ModelType modelType, String name) {
        return new Builder().modelType(modelType).name(name);
    }

    /** An empty builder; {@code model_type} and {@code name} must be set before {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this requirement's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelType = modelType;
        b.name = name;
        b.dimension = dimension;
        b.device = device;
        b.batchSize = batchSize;
        b.cacheEmbeddings = cacheEmbeddings;
        b.maxInputLength = maxInputLength;
        b.maxOutputLength = maxOutputLength;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.streaming = streaming;
        b.numLabels = numLabels;
        b.threshold = threshold;
        b.preloadWorkers = preloadWorkers;
        b.source = source;
        b.provider = provider;
        b.priority = priority;
        b.pinned = pinned;
        b.warmup = warmup;
        b.idleTimeout = idleTimeout;
        b.options.putAll(options);
        return b;
    }

    /**
     * The fields in which {@code other} describes a different model than this one: {@code model_type},
     * {@code name}, {@code source}, {@code provider}, {@code device}, {@code dimension}, {@code num_labels},
     * {@code max_input_length} and {@code options}. Empty when both can share one loaded instance.
     */
    public List<String> identityDifferences(ModelRequirement other) {
        List<String> fields = new ArrayList<>();
        differs(fields, "model_type", modelType, other.modelType);
        differs(fields, "name", name, other.name);
        differs(fields, "source", source, other.source);
        differs(fields, "provider", provider, other.provider);
        differs(fields, "device", device, other.device);
        differs(fields, "dimension", dimension, other.dimension);
        differs(fields, "num_labels", numLabels, other.numLabels);
        differs(fields, "max_input_length", maxInputLength, other.maxInputLength);
        differs(fields, "options", options, other.options);
        return fields;
    }

    private static void differs(List<String> fields, String field, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            fields.add(field);
        }
    }

    /**
     * This requirement with the lifecycle hints raised to what {@code other} asks for: the larger
     * {@code preload_workers}, {@code priority} and idle timeout, and {@code pinned} and {@code warmup} if either is.
     */
    public ModelRequirement mergeLifecycle(ModelRequirement other) {
        Duration idle = idleTimeout == null ? other.idleTimeout
            : other.idleTimeout == null ? idleTimeout
            : idleTimeout.compareTo(other.idleTimeout) >= 0 ? idleTimeout : other.idleTimeout;
        if (preloadWorkers >= other.preloadWorkers && priority >= other.priority && (pinned || !other.pinned)
            && (warmup || !other.warmup) && Objects.equals(idle, idleTimeout)) {
            return this;
        }
        return toBuilder()
            .preloadWorkers(Math.max(preloadWorkers, other.preloadWorkers))
            .priority(Math.max(priority, other.priority))
            .pinned(pinned || other.pinned)
            .warmup(warmup || other.warmup)
            .idleTimeout(idle)
            .build();
    }

    /** Builds {@link ModelRequirement}s; every value is checked by {@link #build()}. */
    public static final class Builder {
        private ModelType modelType;
        private String name;
        private Integer dimension;
        private DeviceSelector device = DeviceSelector.AUTO;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean cacheEmbeddings = true;
        private Integer maxInputLength;
        private Integer maxOutputLength;
        private Double temperature;
        private Integer topK;
        private Double topP;
        private boolean streaming;
        private Integer numLabels;
        private Double threshold;
        private int preloadWorkers;
        private ModelSource source;
        private String provider;
        private int priority;
        private boolean pinned;
        private boolean warmup;
        private Duration idleTimeout;
        private final Map<String, String> options = new TreeMap<>();

        private Builder() {
        }

        public Builder modelType(ModelType value) { this.modelType = value; return this; }
        public Builder name(String value) { this.name = value; return this; }
        public Builder dimension(Integer value) { this.dimension = value; return this; }
        public Builder device(DeviceSelector value) { this.device = value; return this; }
        /** Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}. */
        public Builder device(String value) { this.device = DeviceSelector.parse(value); return this; }
        public Builder batchSize(int value) { this.batchSize = value; return this; }
        public Builder cacheEmbeddings(boolean value) { this.cacheEmbeddings = value; return this; }
        public Builder maxInputLength(Integer value) { this.maxInputLength = value; return this; }
        public Builder maxOutputLength(Integer value) { this.maxOutputLength = value; return this; }
        public Builder temperature(Double value) { this.temperature = value; return this; }
        public Builder topK(Integer value) { this.topK = value; return this; }
        public Builder topP(Double value) { this.topP = value; return this; }
        public Builder streaming(boolean value) { this.streaming = value; return this; }
        public Builder numLabels(Integer value) { this.numLabels = value; return this; }
        public Builder threshold(Double value) { this.threshold = value; return this; }
        public Builder preloadWorkers(int value) { this.preloadWorkers = value; return this; }
        public Builder source(ModelSource value) { this.source = value; return this; }
        /** The model comes from this Hub repository at this revision; {@code files} may be empty. */
        public Builder hub(String repository, String revision, String... files) {
            this.source = new ModelSource.Hub(repository, revision, List.of(files));
            return this;
        }
        /** The model comes from this local file or directory. */
        public Builder path(String value) { this.source = new ModelSource.LocalPath(value); return this; }
        public Builder provider(String value) { this.provider = value; return this; }
        public Builder priority(int value) { this.priority = value; return this; }
        public Builder pinned(boolean value) { this.pinned = value; return this; }
        public Builder warmup(boolean value) { this.warmup = value; return this; }
        public Builder idleTimeout(Duration value) { this.idleTimeout = value; return this; }
        public Builder option(String key, String value) { this.options.put(key, value); return this; }
        public Builder options(Map<String, String> values) { this.options.putAll(values); return this; }

        /**
         * @throws ModelException {@link ErrorCode#INVALID_REQUIREMENT} naming the first invalid field
         */
        public ModelRequirement build() {
            return new ModelRequirement(modelType, name, dimension, device, batchSize, cacheEmbeddings,
                maxInputLength, maxOutputLength, temperature, topK, topP, streaming, numLabels, threshold,
                preloadWorkers, source, provider, priority, pinned, warmup, idleTimeout, options);
        }
    }
}
