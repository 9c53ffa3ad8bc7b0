package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.CatalogSource;

/**
 * The seed documents' operator endpoints: {@code POST /api/v1/models/save-state}, {@code POST
 * /api/v1/models/discover}, {@code GET /api/v1/providers/{name}/models} and {@code GET /model-status}.
 */
class OperatorEndpointsTest {

    @Test
    void saveStateWritesAndAnswersWhereOrSaysWhichSettingIsOff() throws Exception {
        try (RestServer off = new RestServer()) {
            HttpResponse<String> r = off.call("POST", "/api/v1/models/save-state", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
            assertThat(RestServer.json(r).at("/error/code").asText()).isEqualTo("not_configured");
            assertThat(RestServer.json(r).at("/error/param").asText()).isEqualTo("state.file");
        }
        Path dir = Files.createTempDirectory("state");
        try (RestServer on = new RestServer(s -> s.withStateFile(dir.resolve("state.json")))) {
            assertThat(on.call("POST", "/api/v1/models", """
                {"id": "story", "requirement": {"model_type": "text_generation", "name": "ggml-org/models"}}""")
                .statusCode()).isEqualTo(201);
            HttpResponse<String> r = on.call("POST", "/api/v1/models/save-state", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode saved = RestServer.json(r);
            assertThat(saved.get("path").asText()).isEqualTo(dir.resolve("state.json").toAbsolutePath().toString());
            assertThat(saved.get("models").asInt()).isEqualTo(1);
            assertThat(saved.get("saved_at").asText()).isNotBlank();
            assertThat(Files.readString(dir.resolve("state.json"))).contains("\"story\"");
        }
    }

    @Test
    void discoverAsksEverySourceNowAndSaysWhatCameAndWent() throws Exception {
        try (RestServer rest = new RestServer()) {
            List<CatalogEntry> served = new ArrayList<>(List.of(entry("m1"), entry("m2")));
            CatalogSource endpoint = new CatalogSource() {
                private List<CatalogEntry> known = List.of();

                @Override
                public List<CatalogEntry> entries() {
                    return known;
                }

                @Override
                public Map<String, String> refresh() {
                    known = List.copyOf(served);
                    return Map.of("endpoint:down", "connection refused");
                }
            };
            rest.catalog.bindSource(endpoint);
            JsonNode first = RestServer.json(rest.call("POST", "/api/v1/models/discover", null));
            assertThat(first.get("added")).extracting(JsonNode::asText).containsExactly("vllm:m1", "vllm:m2");
            assertThat(first.get("gone")).isEmpty();
            assertThat(first.at("/failures/endpoint:down").asText()).isEqualTo("connection refused");
            assertThat(first.get("entries")).extracting(e -> e.get("name").asText()).contains("m1", "m2", "gpt-4o");

            served.remove(0);
            served.add(entry("m3"));
            JsonNode second = RestServer.json(rest.call("POST", "/api/v1/models/discover", null));
            assertThat(second.get("added")).extracting(JsonNode::asText).containsExactly("vllm:m3");
            assertThat(second.get("gone")).extracting(JsonNode::asText).containsExactly("vllm:m1");
            assertThat(rest.call("GET", "/api/v1/models/discover", null).statusCode()).as("POST only").isNotEqualTo(200);
        }
    }

    @Test
    void aProvidersModelsAreTheOnesItServesAndTheCatalogsOnes() throws Exception {
        try (RestServer rest = new RestServer()) {
            rest.call("POST", "/api/v1/models", """
                {"id": "story", "requirement": {"model_type": "text_generation", "name": "ggml-org/models"}}""");
            rest.call("POST", "/api/v1/models/story/load", "{}");
            JsonNode test = RestServer.json(rest.call("GET", "/api/v1/providers/test/models", null));
            assertThat(test.get("models")).extracting(m -> m.get("id").asText()).containsExactly("story");
            JsonNode openai = RestServer.json(rest.call("GET", "/api/v1/providers/openai/models", null));
            assertThat(openai.get("models")).isEmpty();
            assertThat(openai.get("catalog")).extracting(e -> e.get("name").asText()).containsExactly("gpt-4o", "small");
            HttpResponse<String> none = rest.call("GET", "/api/v1/providers/nope/models", null);
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(none.body()).contains("known: test");
        }
    }

    @Test
    void modelStatusIsTheStatusUnderTheSeedsName() throws Exception {
        try (RestServer rest = new RestServer()) {
            rest.call("POST", "/api/v1/models", """
                {"id": "story", "requirement": {"model_type": "text_generation", "name": "ggml-org/models"}}""");
            JsonNode status = RestServer.json(rest.call("GET", "/model-status", null));
            JsonNode api = RestServer.json(rest.call("GET", "/api/v1/status", null));
            assertThat(status.get("models")).extracting(m -> m.get("id").asText()).containsExactly("story");
            assertThat(status.get("registered_models")).isEqualTo(api.get("registered_models"));
            assertThat(rest.call("POST", "/model-status", "{}").statusCode()).isEqualTo(405);
            rest.settings.set(new RestSettings("k3y", null, 1 << 20, "rest", 1, 5));
            assertThat(rest.call("GET", "/model-status", null).statusCode()).as("the API key applies").isEqualTo(401);
        }
    }

    @Test
    void usageByRequesterIsServedAndExportedWithABoundedLabel() throws Exception {
        try (RestServer rest = new RestServer()) {
            rest.call("POST", "/api/v1/models", """
                {"id": "docs", "requirement": {"model_type": "embedding", "name": "sentence-transformers/all-MiniLM-L6-v2",
                 "dimension": 384}}""");
            assertThat(rest.call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": [\"a\", \"b\"]}")
                .statusCode()).isEqualTo(200);
            JsonNode usage = RestServer.json(rest.call("GET", "/api/v1/usage", null)).get("usage");
            assertThat(usage).hasSize(1);
            assertThat(usage.get(0).get("requester").asText()).as("the test server holds the manager itself")
                .isEqualTo("direct");
            assertThat(usage.get(0).get("items").asLong()).isEqualTo(2);
            JsonNode models = RestServer.json(rest.call("GET", "/api/v1/usage", null)).get("models");
            assertThat(models.get(0).get("model").asText()).isEqualTo("docs");
            assertThat(models.get(0).get("calls").asLong()).isEqualTo(1);
            assertThat(models.get(0).get("cost").isNull()).as("the catalog prices no such model").isTrue();
            String metrics = rest.call("GET", "/metrics", null).body();
            assertThat(metrics).contains("modelmanager_requester_calls_total{requester=\"direct\",model=\"docs\"} 1")
                .contains("modelmanager_requester_items_total{requester=\"direct\",model=\"docs\"} 2");
        }
    }

    @Test
    void catalogEntriesCarryUpdatedAtAndTheirHistory() throws Exception {
        try (RestServer rest = new RestServer()) {
            JsonNode entry = RestServer.json(rest.call("GET", "/api/v1/catalog/gpt-4o", null));
            assertThat(entry.get("updated_at").asText()).isNotBlank();
            rest.catalog.load("test.yaml", new java.io.StringReader("""
                models:
                  - name: gpt-4o
                    provider: openai
                    model_type: text_generation
                    context_window: 256000
                """));
            JsonNode history = RestServer.json(rest.call("GET", "/api/v1/catalog/history?name=gpt-4o", null));
            assertThat(history.get("changes")).extracting(c -> c.get("change").asText())
                .containsExactly("added", "changed");
            assertThat(history.at("/changes/1/fields")).extracting(JsonNode::asText)
                .containsExactly("context_window", "capabilities");
            assertThat(history.at("/changes/1/before/context_window").asInt()).isEqualTo(128000);
            assertThat(RestServer.json(rest.call("GET", "/api/v1/catalog/history?name=small", null))
                .at("/changes/1/change").asText()).as("gone from the file").isEqualTo("removed");
            assertThat(rest.call("GET", "/api/v1/catalog/history", null).statusCode()).isEqualTo(400);
        }
    }

    private static CatalogEntry entry(String name) {
        return new CatalogEntry(name, "vllm", ModelType.TEXT_GENERATION, "served by endpoint vllm", null, null, null,
            null, Set.of("chat_completion"), null, null, false, Map.of("endpoint", "vllm"), "endpoint:vllm");
    }
}
