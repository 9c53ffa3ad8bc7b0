package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code MODEL_MANAGER_MAX_LOADED} and {@code MODEL_MANAGER_PERSISTENCE_PATH} apply where the configuration does not
 * set {@code max.loaded.models} and {@code state.file}; a configured key wins.
 */
class EnvironmentDefaultsTest {
    private static final Map<String, String> ENV = Map.of("MODEL_MANAGER_MAX_LOADED", "10",
        "MODEL_MANAGER_PERSISTENCE_PATH", "./data/model-manager-state.json");

    @Test
    void theVariablesApplyWhereTheConfigurationIsSilent() {
        EnvironmentDefaults env = new EnvironmentDefaults(Map.of("service.pid", "dev.modelmanager.core"), ENV);
        assertThat(env.maxLoadedModels(0)).isEqualTo(10);
        assertThat(env.stateFile("")).isEqualTo("./data/model-manager-state.json");
    }

    @Test
    void aConfiguredKeyWins() {
        EnvironmentDefaults env = new EnvironmentDefaults(Map.of("max.loaded.models", 3, "state.file", "state.json"),
            ENV);
        assertThat(env.maxLoadedModels(3)).isEqualTo(3);
        assertThat(env.stateFile("state.json")).isEqualTo("state.json");
    }

    @Test
    void unsetBlankOrMalformedVariablesChangeNothing() {
        assertThat(new EnvironmentDefaults(Map.of(), Map.of()).maxLoadedModels(0)).isZero();
        assertThat(new EnvironmentDefaults(Map.of(), Map.of("MODEL_MANAGER_PERSISTENCE_PATH", "  ")).stateFile(""))
            .isEmpty();
        assertThat(new EnvironmentDefaults(Map.of(), Map.of("MODEL_MANAGER_MAX_LOADED", "ten")).maxLoadedModels(2))
            .isEqualTo(2);
        assertThat(new EnvironmentDefaults(Map.of(), Map.of("MODEL_MANAGER_MAX_LOADED", "-4")).maxLoadedModels(2))
            .as("no negative count").isZero();
    }
}
