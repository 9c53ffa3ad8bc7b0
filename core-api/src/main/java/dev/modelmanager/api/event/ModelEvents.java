package dev.modelmanager.api.event;

/**
 * Event Admin topics ({@code dev/modelmanager/model/<ACTION>}) and event property names. Events are posted
 * asynchronously; they carry no secrets.
 */
public final class ModelEvents {
    /** Prefix of every model topic. */
    public static final String TOPIC_PREFIX = "dev/modelmanager/model/";
    /** Subscribes to every model topic. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    public static final String REGISTERED = TOPIC_PREFIX + "REGISTERED";
    public static final String RELEASED = TOPIC_PREFIX + "RELEASED";
    public static final String DOWNLOADING = TOPIC_PREFIX + "DOWNLOADING";
    public static final String LOADING = TOPIC_PREFIX + "LOADING";
    public static final String LOADED = TOPIC_PREFIX + "LOADED";
    public static final String UNLOADED = TOPIC_PREFIX + "UNLOADED";
    public static final String FAILED = TOPIC_PREFIX + "FAILED";
    public static final String WAITING_FOR_PROVIDER = TOPIC_PREFIX + "WAITING_FOR_PROVIDER";
    public static final String DEFAULT_CHANGED = TOPIC_PREFIX + "DEFAULT_CHANGED";
    /**
     * The manager unloaded the model on its own ({@link #CAUSE}: {@link #CAUSE_BUDGET}, {@link #CAUSE_MAX_LOADED} or
     * {@link #CAUSE_IDLE}; {@link #REASON} in words); an {@link #UNLOADED} event follows when it is unloaded.
     */
    public static final String EVICTED = TOPIC_PREFIX + "EVICTED";
    /**
     * Once a second while the model's files download: {@link #BYTES}, {@link #TOTAL_BYTES} (-1 unknown),
     * {@link #BYTES_PER_SECOND}, {@link #ETA_SECONDS} (-1 unknown), {@link #PROGRESS} in words.
     */
    public static final String DOWNLOAD_PROGRESS = TOPIC_PREFIX + "DOWNLOAD_PROGRESS";
    /** A profiling run of the model began ({@link #REQUESTS}). */
    public static final String PROFILING_STARTED = TOPIC_PREFIX + "PROFILING_STARTED";
    /**
     * A profiling run ended: {@link #REQUESTS}, {@link #FAILURES}, {@link #P50_LATENCY_MS}, {@link #P95_LATENCY_MS},
     * {@link #ITEMS_PER_SECOND}, {@link #TOKENS_PER_SECOND}, {@link #MEMORY_BYTES}, {@link #DURATION_MS}.
     */
    public static final String PROFILING_COMPLETED = TOPIC_PREFIX + "PROFILING_COMPLETED";
    /**
     * An alias now points at another model ({@link #ALIAS}, {@link #MODEL_ID}, {@link #PREVIOUS}; {@link #REASON}
     * when its policy moved it on its own).
     */
    public static final String ALIAS_CHANGED = TOPIC_PREFIX + "ALIAS_CHANGED";
    /** The alias concerned (String). */
    public static final String ALIAS = "alias";

    /** The model id (String). */
    public static final String MODEL_ID = "model.id";
    /** The model type id, e.g. {@code embedding} (String). */
    public static final String MODEL_TYPE = "model.type";
    /** The model name (String). */
    public static final String MODEL_NAME = "model.name";
    /** The status after the change (String, a {@link dev.modelmanager.api.ModelStatus} name). */
    public static final String STATUS = "status";
    /** Why it failed or waits (String). */
    public static final String REASON = "reason";
    /** The requester that registered or released (String). */
    public static final String REQUESTER = "requester";
    /** References left or held after the change (Integer). */
    public static final String REFERENCE_COUNT = "reference.count";
    /** The provider name (String). */
    public static final String PROVIDER = "provider";
    /** The device (String). */
    public static final String DEVICE = "device";
    /** Milliseconds the load took (Long). */
    public static final String DURATION_MS = "duration.ms";
    /** The previous default model id, for {@link #DEFAULT_CHANGED} (String, may be absent). */
    public static final String PREVIOUS = "previous";
    /** Why the manager evicted a model, for {@link #EVICTED} (String, one of the {@code CAUSE_} values). */
    public static final String CAUSE = "cause";
    /** Evicted to make memory for another model within {@code memory.budget}. */
    public static final String CAUSE_BUDGET = "budget";
    /** Evicted because {@code max.loaded.models} models were loaded and another one was asked for. */
    public static final String CAUSE_MAX_LOADED = "max_loaded_models";
    /** Evicted after its last reference went and its idle timeout passed. */
    public static final String CAUSE_IDLE = "idle";
    /** Bytes downloaded so far (Long). */
    public static final String BYTES = "bytes";
    /** Bytes to download in all, -1 when the Hub did not say (Long). */
    public static final String TOTAL_BYTES = "total.bytes";
    /** Download rate (Long). */
    public static final String BYTES_PER_SECOND = "bytes.per.second";
    /** Seconds left at the current rate, -1 unknown (Long). */
    public static final String ETA_SECONDS = "eta.seconds";
    /** Progress in words, as {@code model:info} shows it (String). */
    public static final String PROGRESS = "progress";
    /** Calls a profiling run makes or made (Integer). */
    public static final String REQUESTS = "requests";
    /** Calls of a profiling run that failed (Integer). */
    public static final String FAILURES = "failures";
    /** Median call latency of a profiling run in milliseconds (Double). */
    public static final String P50_LATENCY_MS = "latency.p50.ms";
    /** 95th percentile call latency of a profiling run in milliseconds (Double). */
    public static final String P95_LATENCY_MS = "latency.p95.ms";
    /** Items (texts, pairs, generations) per second of a profiling run (Double). */
    public static final String ITEMS_PER_SECOND = "items.per.second";
    /** Generated tokens per second of a profiling run, 0 for models that do not generate (Double). */
    public static final String TOKENS_PER_SECOND = "tokens.per.second";
    /** Bytes the loaded model reports using, -1 if unknown (Long). */
    public static final String MEMORY_BYTES = "memory.bytes";

    private ModelEvents() {
    }
}
