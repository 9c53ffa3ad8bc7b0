package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The environment variables of the seed documents in the distribution: {@code etc/dev.modelmanager.core.cfg} reads
 * {@code MODEL_MANAGER_PERSISTENCE_PATH} and {@code MODEL_MANAGER_MAX_LOADED}; {@code LLAMA_CPP_BASE_URL} declares the
 * {@code llama-server} endpoint a model can use.
 */
class EnvironmentIT {

    @Test
    void thePersistencePathAndTheEndpointVariablesApply() throws Exception {
        DistributionServer home = new DistributionServer("e2e-environment");
        Map<String, String> environment = new HashMap<>(home.environment());
        environment.put("MODEL_MANAGER_PERSISTENCE_PATH", "env-state.json");
        environment.put("MODEL_MANAGER_MAX_LOADED", "1");
        environment.put("LLAMA_CPP_BASE_URL", "http://127.0.0.1:9");
        DistributionIT.Run run = DistributionIT.modelmanager(home.home, environment,
            "-c", "model:register far model_type=text_generation name=m endpoint=llama-server remote_model=m",
            "-c", "model:info far", "-c", "cm:getconfiguration dev.modelmanager.core");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).as("the endpoint exists: the model does not wait for one")
            .doesNotContain("WAITING_FOR_PROVIDER").contains("remote:llama-server");
        assertThat(run.out()).contains("max.loaded.models").containsPattern("max\\.loaded\\.models\\W+1\\b");
        assertThat(home.home.resolve("data/env-state.json")).exists();
        assertThat(home.home.resolve("data/state.json")).doesNotExist();
        assertThat(Files.readString(home.home.resolve("data/env-state.json"))).contains("\"far\"");
    }
}
