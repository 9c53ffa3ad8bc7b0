package dev.modelmanager.core.internal;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment variables of the seed documents for the manager's own settings, below the configuration: where
 * the configuration leaves a setting at its built-in default (Declarative Services hands the component its defaults
 * as properties, so "not configured" and "configured to the default" look alike), the variable applies.
 * <ul>
 * <li>{@value #MAX_LOADED} → {@code max.loaded.models} (default 0, no limit)</li>
 * <li>{@value #PERSISTENCE_PATH} → {@code state.file} (default empty, no state kept)</li>
 * </ul>
 */
final class EnvironmentDefaults {
    static final String MAX_LOADED = "MODEL_MANAGER_MAX_LOADED";
    static final String PERSISTENCE_PATH = "MODEL_MANAGER_PERSISTENCE_PATH";
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentDefaults.class);

    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    /** {@code max.loaded.models}: the configuration's when it sets a limit, else {@value #MAX_LOADED}, else 0. */
    int maxLoadedModels(int configured) {
        String value = variable(MAX_LOADED);
        if (configured > 0 || value == null) {
            return Math.max(0, configured);
        }
        try {
            return Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a number of models; max.loaded.models stays {}", MAX_LOADED, value, configured);
            return Math.max(0, configured);
        }
    }

    /** {@code state.file}: the configuration's when it names one, else {@value #PERSISTENCE_PATH}, else none. */
    String stateFile(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String value = variable(PERSISTENCE_PATH);
        return value == null ? configured : value.strip();
    }

    private String variable(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
