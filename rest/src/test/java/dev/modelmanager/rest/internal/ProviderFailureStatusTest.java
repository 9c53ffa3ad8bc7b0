package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/** A provider's failure is not a server error: 503 with Retry-After when the model cannot load, 502 when it fails. */
class ProviderFailureStatusTest {
    private static ModelRequirement embedding(String option, String value) {
        return ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/all-MiniLM-L6-v2")
            .option(option, value).build();
    }

    @Test
    void aModelThatCannotLoadIs503WithRetryAfterAndOneWhoseEngineFailsIs502() throws Exception {
        try (RestServer rest = new RestServer()) {
            rest.manager.register("broken", embedding(TestModelProvider.FAIL_LOAD, "weights are corrupt"), "t");
            rest.manager.register("failing", embedding(TestModelProvider.FAIL_INFERENCE, "engine crashed"), "t");

            HttpResponse<String> load = rest.call("POST", "/v1/embeddings", "{\"model\": \"broken\", \"input\": \"x\"}");
            assertThat(load.statusCode()).isEqualTo(503);
            assertThat(load.headers().firstValue("Retry-After")).isPresent();
            assertThat(RestServer.json(load).at("/error/code").asText()).isEqualTo("load_failed");
            assertThat(load.body()).contains("weights are corrupt");

            HttpResponse<String> call = rest.call("POST", "/v1/embeddings", "{\"model\": \"failing\", \"input\": \"x\"}");
            assertThat(call.statusCode()).isEqualTo(502);
            assertThat(RestServer.json(call).at("/error/code").asText()).isEqualTo("inference_failed");
            assertThat(call.body()).contains("engine crashed");
        }
    }
}
