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
    /** An alias now points at another model ({@link #ALIAS}, {@link #MODEL_ID}, {@link #PREVIOUS}). */
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

    private ModelEvents() {
    }
}
