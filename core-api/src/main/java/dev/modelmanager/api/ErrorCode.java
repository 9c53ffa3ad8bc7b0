package dev.modelmanager.api;

/** Why a {@link ModelManager} call failed. Stable: callers may switch on it. */
public enum ErrorCode {
    /** No model is registered under the id (or {@code "default"} has no target). */
    NOT_REGISTERED,
    /** The model is registered but not loaded, and the call does not load it. */
    NOT_LOADED,
    /** No provider bundle that can serve the requirement is installed and active. */
    NO_PROVIDER,
    /** Loading would exceed the memory budget. */
    INSUFFICIENT_MEMORY,
    /** A requirement field is out of range or does not apply to the model type. */
    INVALID_REQUIREMENT,
    /** The same model id is already registered with a requirement that differs in what identifies the model. */
    CONFLICTING_REQUIREMENT,
    /** The provider failed to load the model. */
    LOAD_FAILED,
    /** The model's source (Hub repository, file, path) cannot be had. */
    SOURCE_UNAVAILABLE,
    /**
     * A local path (or jar) lies outside the folders the caller may use: a requirement registered with
     * {@link ModelManager#registerConfined} names a file that is not under the manager's model roots. The answer is
     * the same whether or not the file exists.
     */
    SOURCE_NOT_ALLOWED,
    /**
     * A model file is not what its provider expects: not of its format, cut short, corrupt, or a different kind of
     * model than the requirement's type (a classifier registered as an embedding model). The message names the file
     * and what is wrong with it, never its content.
     */
    INVALID_MODEL_FILE,
    /** The provider failed while running the model. */
    INFERENCE_FAILED,
    /** The call's input is invalid (empty text list, bad option value, ...). */
    INVALID_INPUT,
    /** The call or the load it waited for did not finish in time. */
    TIMEOUT,
    /** The model's queue is full; retry later. */
    OVERLOADED,
    /** The model cannot do what was asked (e.g. {@code embed} on a generation model). */
    CAPABILITY_MISSING,
    /** The provider serving the model went away while the call was in flight. */
    PROVIDER_GONE,
    /** The call was cancelled by its caller. */
    CANCELLED,
    /** The manager is shutting down. */
    SHUTTING_DOWN,
    /** What was asked needs a setting that is off (the field names it), e.g. a state save without {@code state.file}. */
    NOT_CONFIGURED,
    /** The manager could not write its own files (its state): disk full, permissions. */
    STORAGE_FAILED,
    /** A reference belongs to another bundle: only that bundle releases it (by releasing it or by stopping). */
    NOT_OWNER
}
