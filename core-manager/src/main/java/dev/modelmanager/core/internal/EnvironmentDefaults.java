package dev.modelmanager.core.internal;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment variables of the seed documents for the manager's own settings, below the configuration: a key
 * the configuration sets wins; a variable applies where it does not.
 * <ul>
 * <li>{@value #MAX_LOADED} → {@code max.loaded.models}</li>
 * <li>{@value #PERSISTENCE_PATH} → {@code state.file}</li>
 * </ul>
 */
final class EnvironmentDefaults {
    static final String MAX_LOADED = "MODEL_MANAGER_MAX_LOADED";
    static final String PERSISTENCE_PATH = "MODEL_MANAGER_PERSISTENCE_PATH";
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentDefaults.class);

    private final Map<String, ?> configured;
    private final Map<String, String> environment;

    /**
     * @param configured  the component's properties: the keys the configuration set
     * @param environment the process environment
     */
    EnvironmentDefaults(Map<String, ?> configured, Map<String, String> environment) {
        this.configured = configured;
        this.environment = environment;
    }

    /** {@code max.loaded.models}: the configuration's, else {@value #MAX_LOADED}, else {@code fallback}. */
    int maxLoadedModels(int fallback) {
        String value = variable("max.loaded.models", MAX_LOADED);
        if (value == null) {
            return fallback;
        }
        try {
            return Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a number of models; max.loaded.models stays {}", MAX_LOADED, value, fallback);
            return fallback;
        }
    }

    /** {@code state.file}: the configuration's, else {@value #PERSISTENCE_PATH}, else {@code fallback}. */
    String stateFile(String fallback) {
        String value = variable("state.file", PERSISTENCE_PATH);
        return value == null ? fallback : value.strip();
    }

    /** The variable's value when the configuration does not set {@code key} and the variable is set, else null. */
    private String variable(String key, String name) {
        if (configured.containsKey(key)) {
            return null;
        }
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
