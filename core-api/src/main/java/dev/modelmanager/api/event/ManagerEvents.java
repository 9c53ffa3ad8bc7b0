package dev.modelmanager.api.event;

/**
 * Event Admin topics of the manager as a whole ({@code dev/modelmanager/manager/<ACTION>}) and their property
 * names. Posted asynchronously; they carry no secrets.
 */
public final class ManagerEvents {
    /** Prefix of every manager topic. */
    public static final String TOPIC_PREFIX = "dev/modelmanager/manager/";
    /** Subscribes to every manager topic. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /**
     * The manager is up: its saved state is restored and its registrations are made ({@link #MODEL_COUNT},
     * {@link #PATH} of the state file, absent without persistence).
     */
    public static final String INITIALIZED = TOPIC_PREFIX + "INITIALIZED";
    /** The state file was written ({@link #PATH}, {@link #MODEL_COUNT}, {@link #SAVED_AT}). */
    public static final String STATE_SAVED = TOPIC_PREFIX + "STATE_SAVED";

    /** The state file's absolute path (String). */
    public static final String PATH = "path";
    /** Registered models (Integer). */
    public static final String MODEL_COUNT = "model.count";
    /** When the state was written, ISO-8601 (String). */
    public static final String SAVED_AT = "saved.at";

    private ManagerEvents() {
    }
}
