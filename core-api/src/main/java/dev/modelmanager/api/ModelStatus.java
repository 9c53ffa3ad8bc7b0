package dev.modelmanager.api;

/**
 * Where a model is in its lifecycle:
 * {@code REGISTERED → (DOWNLOADING) → LOADING → LOADED → UNLOADING → UNLOADED}, {@code FAILED} from any step and
 * {@code WAITING_FOR_PROVIDER} while no installed provider can serve it.
 */
public enum ModelStatus {
    /** Known to the manager, not loaded; loads on first use (or at once, with {@code preload_workers}). */
    REGISTERED,
    /** No active provider bundle can serve it; it loads when one arrives. */
    WAITING_FOR_PROVIDER,
    /** Its files are being fetched. */
    DOWNLOADING,
    /** A provider is loading it. */
    LOADING,
    /** Loaded and serving. */
    LOADED,
    /** Being unloaded; calls already running finish first. */
    UNLOADING,
    /** Was loaded, is not any more; loads again on next use. */
    UNLOADED,
    /** The last attempt to load it failed; the reason is in {@link ModelInfo#reason()}. The next use tries again. */
    FAILED
}
