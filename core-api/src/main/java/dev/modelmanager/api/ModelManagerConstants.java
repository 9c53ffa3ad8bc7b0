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

    /**
     * Service property of a model published as a service ({@link ModelRef} and its typed handles): the model id
     * (String). A host bundle writes {@code @Reference(target = "(model.id=minilm)") EmbeddingModelRef minilm}.
     */
    public static final String MODEL_ID = "model.id";
    /** Service property of a model published as a service: its model type id (String), e.g. {@code embedding}. */
    public static final String MODEL_TYPE = "model.type";
    /** Service property of a model published as a service: its name (String), e.g. a Hub repository. */
    public static final String MODEL_NAME = "model.name";

    /** The requester of handles taken outside OSGi (in a framework, the requester is the calling bundle). */
    public static final String LOCAL_REQUESTER = "local";

    /** Gogo command scope of the manager's commands. */
    public static final String COMMAND_SCOPE = "model";

    /** The requester of registrations made in the Gogo shell. */
    public static final String SHELL_REQUESTER = "shell";
    /** The requester of registrations made through the REST API when the call names none. */
    public static final String REST_REQUESTER = "rest";
    /** Prefix of requesters whose registrations the manager keeps across restarts, besides the shell and REST. */
    public static final String DURABLE_PREFIX = "durable:";
    /** Prefix of the requester with which an alias holds its target ({@code alias:<name>}). */
    public static final String ALIAS_PREFIX = "alias:";
    /** Prefix of the requester of a model declared by configuration ({@code config:<configuration name>}). */
    public static final String CONFIG_PREFIX = "config:";

    /**
     * Whether the manager restores this requester's registrations after a restart (when it persists its state):
     * the shell's and the REST API's ({@code shell}, {@code rest}, {@code shell:...}, {@code rest:...}) and any
     * {@code durable:...} and {@code alias:...} requester. Bundles are not durable: they register again when they start; nor are
     * declared models, which come back from Config Admin.
     */
    public static boolean isDurableRequester(String requester) {
        return requester != null && (requester.equals(SHELL_REQUESTER) || requester.equals(REST_REQUESTER)
            || requester.startsWith(SHELL_REQUESTER + ":") || requester.startsWith(REST_REQUESTER + ":")
            || requester.startsWith(DURABLE_PREFIX) || requester.startsWith(ALIAS_PREFIX));
    }

    /**
     * The name of a factory configuration (a declared model, an endpoint): {@code dev.modelmanager.model~minilm}
     * gives {@code minilm}; for a generated PID, File Install's file name ({@code dev.modelmanager.model-minilm.cfg}
     * gives {@code minilm}); else the PID's last segment.
     *
     * @param pid                 the configuration's {@code service.pid}
     * @param fileInstallFileName its {@code felix.fileinstall.filename} property, or {@code null}
     */
    /**
     * The names of the declared models (configurations of {@value #MODEL_FACTORY_PID}) that no {@code config:}
     * requester of {@code models} holds yet: what readiness waits for.
     *
     * @param fileInstallFileNameByPid each declaration's {@code service.pid} and its {@code felix.fileinstall.filename}
     *                                 (or {@code null})
     */
    public static java.util.List<String> unregisteredDeclarations(java.util.Map<String, ?> fileInstallFileNameByPid,
                                                                 java.util.List<ModelInfo> models) {
        java.util.Set<String> requesters = new java.util.HashSet<>();
        models.forEach(m -> requesters.addAll(m.requesters()));
        java.util.List<String> missing = new java.util.ArrayList<>();
        fileInstallFileNameByPid.forEach((pid, file) -> {
            String name = configurationName(pid, file);
            if (!requesters.contains(CONFIG_PREFIX + name)) {
                missing.add(name);
            }
        });
        return missing;
    }

    public static String configurationName(String pid, Object fileInstallFileName) {
        int tilde = pid.indexOf('~');
        if (tilde >= 0) {
            return pid.substring(tilde + 1);
        }
        String file = fileInstallFileName == null ? "" : fileInstallFileName.toString().strip();
        if (!file.isEmpty()) {
            String base = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.(cfg|config)$", "");
            int dash = base.indexOf('-');
            return dash >= 0 ? base.substring(dash + 1) : base;
        }
        return pid.substring(pid.lastIndexOf('.') + 1);
    }

    private ModelManagerConstants() {
    }
}
