package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Collections;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;

/**
 * One request cannot hold a shared model for minutes: 100,000 inputs (under 1 MB of JSON) are refused at once naming
 * the limit, and the model keeps serving everyone else.
 */
class RequestLimitsTest {
    @Test
    void oneHundredThousandInputsAreRefusedNamingTheLimitAndOthersKeepServing() throws Exception {
        try (RestServer rest = new RestServer()) {
            rest.manager.register("minilm", ModelRequirement.builder(ModelType.EMBEDDING,
                "sentence-transformers/all-MiniLM-L6-v2").build(), "t");
            String inputs = String.join(",", Collections.nCopies(100_000, "\"a\""));
            HttpResponse<String> bulk = rest.call("POST", "/v1/embeddings",
                "{\"model\": \"minilm\", \"input\": [" + inputs + "]}");
            assertThat(bulk.statusCode()).isEqualTo(400);
            assertThat(bulk.body()).contains("100000").contains("limits.inputs.per.call");

            HttpResponse<String> longText = rest.call("POST", "/v1/embeddings",
                "{\"model\": \"minilm\", \"input\": \"" + "x".repeat(100_001) + "\"}");
            assertThat(longText.statusCode()).isEqualTo(400);
            assertThat(longText.body()).contains("limits.chars.per.input");

            HttpResponse<String> small = rest.call("POST", "/v1/embeddings", "{\"model\": \"minilm\", \"input\": \"hi\"}");
            assertThat(small.statusCode()).isEqualTo(200);
        }
    }
}
