package dev.modelmanager.rest.internal;

import static dev.modelmanager.rest.internal.RestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Collections;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * {@code /v1/embeddings} answers the tokens the model read in {@code usage}, lists truncated inputs (field and
 * header), and with {@code "truncate": false} refuses a long input naming {@code input[i]}; a provider that cannot
 * count says nothing rather than 0 truncated. The test provider's tokens are words plus two.
 */
class EmbeddingTokensOverRestTest {
    private static final String LONG = String.join(" ", Collections.nCopies(20, "word"));
    private RestServer rest;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer();
        rest.manager.register("docs", ModelRequirement.builder(ModelType.EMBEDDING, "org/docs").maxInputLength(8)
            .build(), "t");
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    @Test
    void usageCountsTheTokensReadAndTruncatedInputsAreListed() throws Exception {
        HttpResponse<String> r = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": [\"a man is eating food\", \"" + LONG + "\", \"hello\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("usage").get("prompt_tokens").asLong()).isEqualTo(7 + 8 + 3);
        assertThat(body.get("usage").get("total_tokens").asLong()).isEqualTo(18);
        assertThat(body.get("truncated_inputs")).hasSize(1);
        assertThat(body.get("truncated_inputs").get(0).asInt()).isEqualTo(1);
        assertThat(r.headers().firstValue(EmbeddingsResource.TRUNCATED_HEADER)).hasValue("1");

        HttpResponse<String> fits = rest.call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": \"hello\"}");
        assertThat(json(fits).get("truncated_inputs")).isEmpty();
        assertThat(fits.headers().firstValue(EmbeddingsResource.TRUNCATED_HEADER)).hasValue("0");
    }

    @Test
    void truncateFalseRefusesTheInputNamingItsTokensAndTheMaximum() throws Exception {
        HttpResponse<String> r = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": [\"short\", \"" + LONG + "\"], \"truncate\": false}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("param").asText()).isEqualTo("input[1]");
        assertThat(error.get("code").asText()).isEqualTo("invalid_input");
        assertThat(error.get("message").asText()).contains("input[1]: has 22 tokens").contains("the 8 the model reads");

        assertThat(rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": \"" + LONG + "\", \"truncate\": true}").statusCode()).isEqualTo(200);
        HttpResponse<String> wrongType = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": \"x\", \"truncate\": \"no\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("error").get("param").asText()).isEqualTo("truncate");
        // The manager's other refusals of a text name it as this request does, too.
        HttpResponse<String> tooLong = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": [\"a\", \"" + "x".repeat(100_001) + "\"]}");
        assertThat(json(tooLong).get("error").get("param").asText()).isEqualTo("input[1]");
    }

    @Test
    void aProviderThatCannotCountListsNothingAndCountsNoTokens() throws Exception {
        rest.manager.register("blind", ModelRequirement.builder(ModelType.EMBEDDING, "org/blind").maxInputLength(8)
            .option(TestModelProvider.COUNT_TOKENS, "none").build(), "t");
        HttpResponse<String> r = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"blind\", \"input\": [\"" + LONG + "\"]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("usage").get("prompt_tokens").asLong()).isZero();
        assertThat(json(r).has("truncated_inputs")).isFalse();
        assertThat(r.headers().firstValue(EmbeddingsResource.TRUNCATED_HEADER)).isEmpty();
    }
}
