package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code MODEL_MANAGER_MAX_LOADED} and {@code MODEL_MANAGER_PERSISTENCE_PATH} apply where the configuration leaves
 * {@code max.loaded.models} and {@code state.file} at their defaults (as Declarative Services hands them over when
 * nothing is configured); a configured value wins.
 */
class EnvironmentDefaultsTest {
    private static final Map<String, String> ENV = Map.of("MODEL_MANAGER_MAX_LOADED", "10",
        "MODEL_MANAGER_PERSISTENCE_PATH", "./data/model-manager-state.json");

    @Test
    void theVariablesApplyWhereTheConfigurationKeepsTheDefaults() {
        EnvironmentDefaults env = new EnvironmentDefaults(ENV);
        assertThat(env.maxLoadedModels(0)).isEqualTo(10);
        assertThat(env.stateFile("")).isEqualTo("./data/model-manager-state.json");
    }

    @Test
    void aConfiguredValueWins() {
        EnvironmentDefaults env = new EnvironmentDefaults(ENV);
        assertThat(env.maxLoadedModels(3)).isEqualTo(3);
        assertThat(env.stateFile("state.json")).isEqualTo("state.json");
    }

    @Test
    void unsetBlankOrMalformedVariablesChangeNothing() {
        assertThat(new EnvironmentDefaults(Map.of()).maxLoadedModels(0)).isZero();
        assertThat(new EnvironmentDefaults(Map.of("MODEL_MANAGER_PERSISTENCE_PATH", "  ")).stateFile("")).isEmpty();
        assertThat(new EnvironmentDefaults(Map.of("MODEL_MANAGER_MAX_LOADED", "ten")).maxLoadedModels(0)).isZero();
        assertThat(new EnvironmentDefaults(Map.of("MODEL_MANAGER_MAX_LOADED", "-4")).maxLoadedModels(0))
            .as("no negative count").isZero();
    }

    @Test
    void theManagersSettingsReadThemFromTheEnvironmentTheyAreGiven() {
        ManagerSettings settings = ManagerSettings.from(defaults(), ENV);
        assertThat(settings.maxLoadedModels()).isEqualTo(10);
        assertThat(settings.stateFile()).hasToString("./data/model-manager-state.json");
        assertThat(ManagerSettings.from(defaults(), Map.of()).stateFile()).isNull();
    }

    /** The configuration type with every default, as Declarative Services builds it when nothing is configured. */
    private static ManagerConfig defaults() {
        return (ManagerConfig) java.lang.reflect.Proxy.newProxyInstance(ManagerConfig.class.getClassLoader(),
            new Class<?>[] {ManagerConfig.class}, (proxy, method, args) -> method.getDefaultValue() != null
                ? method.getDefaultValue() : method.getName().equals("annotationType") ? ManagerConfig.class : null);
    }
}
