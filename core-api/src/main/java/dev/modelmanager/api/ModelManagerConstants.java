package dev.modelmanager.api;

/** Configuration PIDs and service property names shared by the manager, providers and tools. */
public final class ModelManagerConstants {
    /** Config Admin PID of the manager's own configuration. */
    public static final String MANAGER_PID = "dev.modelmanager.core";
    /** Config Admin factory PID of declared models (one configuration per model). */
    public static final String MODEL_FACTORY_PID = "dev.modelmanager.model";

    /** Service property of a {@code ModelProvider}: its name (String), e.g. {@code llamacpp}. */
    public static final String PROVIDER_NAME = "modelmanager.provider.name";
    /** Service property of a {@code ModelProvider}: the model type ids it serves (String[]). */
    public static final String PROVIDER_MODEL_TYPES = "modelmanager.provider.model.types";

    /** Gogo command scope of the manager's commands. */
    public static final String COMMAND_SCOPE = "model";

    private ModelManagerConstants() {
    }
}
