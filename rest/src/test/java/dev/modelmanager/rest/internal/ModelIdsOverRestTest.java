package dev.modelmanager.rest.internal;

import static dev.modelmanager.rest.internal.RestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ids are what every face addresses unencoded (the API's rule, {@link dev.modelmanager.api.ModelIds}): a Hub-style
 * id is refused at registration naming the body's field and where the '/' belongs; the name keeps it.
 */
class ModelIdsOverRestTest {
    private RestServer rest;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer();
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    @Test
    void aHubStyleIdIsRefusedAndTheNameKeepsTheSlash() throws Exception {
        HttpResponse<String> refused = rest.call("POST", "/api/v1/models", """
            {"id": "org/model", "requirement": {"model_type": "embedding", "name": "org/model"}}""");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("param").asText()).isEqualTo("id");
        assertThat(error.get("message").asText()).startsWith("id: ").contains("name=org/model", "org--model");

        HttpResponse<String> registered = rest.call("POST", "/api/v1/models", """
            {"id": "org--model", "requirement": {"model_type": "embedding", "name": "org/model"}}""");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode model = json(rest.call("GET", "/api/v1/models/org--model", null));
        assertThat(model.get("name").asText()).isEqualTo("org/model");
        HttpResponse<String> alias = rest.call("PUT", "/api/v1/aliases/team:chat", "{\"model\": \"org--model\"}");
        assertThat(alias.statusCode()).as(alias.body()).isEqualTo(200);
        HttpResponse<String> badAlias = rest.call("PUT", "/api/v1/aliases/team%3Achat%40x", "{\"model\": \"nope\"}");
        assertThat(badAlias.statusCode()).as(badAlias.body()).isEqualTo(404);
        assertThat(rest.call("DELETE", "/api/v1/models/org--model", null).statusCode()).isEqualTo(200);
        HttpResponse<String> badRequester = rest.call("POST", "/api/v1/models", """
            {"id": "x", "requester": " ", "requirement": {"model_type": "embedding", "name": "a/b"}}""");
        assertThat(badRequester.statusCode()).isEqualTo(400);
        assertThat(json(badRequester).get("error").get("param").asText()).isEqualTo("requester");
    }
}
