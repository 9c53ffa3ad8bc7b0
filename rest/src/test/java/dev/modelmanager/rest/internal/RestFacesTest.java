package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.testsupport.TestModelProvider;

/** The REST faces over real HTTP (Jetty), in front of a real manager with the deterministic test provider. */
class RestFacesTest {
    private RestServer rest;
    private ModelManagerImpl manager;
    private AtomicReference<RestSettings> settings;
    private AtomicBoolean exposed;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer();
        manager = rest.manager;
        settings = rest.settings;
        exposed = rest.exposed;
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        return rest.call(method, path, body, headers);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return RestServer.json(r);
    }

    private void registerEmbedder() throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/models", """
            {"id": "docs", "requirement": {"model_type": "embedding", "name": "sentence-transformers/all-MiniLM-L6-v2",
             "dimension": 384, "preload_workers": 1}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private void registerGenerator() throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/models", """
            {"id": "story", "requirement": {"model_type": "text_generation", "name": "ggml-org/models"}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void rerankAnswersInJinasShapeAndRefusesBadRequestsNamingTheField() throws Exception {
        registerEmbedder();
        HttpResponse<String> r = call("POST", "/v1/rerank", """
            {"model": "docs", "query": "cats sleep all day", "top_n": 2,
             "documents": ["stock markets fell", {"text": "cats sleep all day long"}, "a recipe for soup"]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("model").asText()).isEqualTo("docs");
        assertThat(body.get("method").asText()).isEqualTo("cosine");
        assertThat(body.get("results")).hasSize(2);
        assertThat(body.get("results").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("results").get(0).get("document").get("text").asText()).isEqualTo("cats sleep all day long");
        assertThat(body.get("results").get(0).get("relevance_score").asDouble())
            .isGreaterThan(body.get("results").get(1).get("relevance_score").asDouble());

        JsonNode bare = json(call("POST", "/v1/rerank", """
            {"model": "docs", "query": "soup", "texts": ["soup recipes", "trains"], "return_documents": false}"""));
        assertThat(bare.get("results")).hasSize(2);
        assertThat(bare.get("results").get(0).has("document")).isFalse();

        HttpResponse<String> noQuery = call("POST", "/v1/rerank", "{\"model\": \"docs\", \"documents\": [\"a\"]}");
        assertThat(noQuery.statusCode()).isEqualTo(400);
        assertThat(json(noQuery).get("error").get("param").asText()).isEqualTo("query");
        HttpResponse<String> badDoc = call("POST", "/v1/rerank", """
            {"model": "docs", "query": "q", "documents": ["a", 7]}""");
        assertThat(badDoc.statusCode()).isEqualTo(400);
        assertThat(json(badDoc).get("error").get("message").asText()).contains("documents[1]");
        assertThat(json(badDoc).get("error").get("param").asText()).isEqualTo("documents[1]");
        registerGenerator();
        HttpResponse<String> generator = call("POST", "/v1/rerank", """
            {"model": "story", "query": "q", "documents": ["a"]}""");
        assertThat(generator.statusCode()).as(generator.body()).isEqualTo(400);
        assertThat(generator.body()).contains("cannot rerank");

        HttpResponse<String> prompt = call("POST", "/v1/embeddings", """
            {"model": "docs", "input": "x", "prompt_name": "query"}""");
        assertThat(prompt.statusCode()).as(prompt.body()).isEqualTo(400);
        assertThat(json(prompt).get("error").get("param").asText()).isEqualTo("prompt_name");
    }

    @Test
    void managementRegistersListsLoadsSwitchesAndReleases() throws Exception {
        registerEmbedder();
        registerGenerator();
        JsonNode list = json(call("GET", "/api/v1/models", null));
        assertThat(list.get("models")).extracting(m -> m.get("id").asText()).containsExactly("docs", "story");
        assertThat(list.get("models").get(0).get("requesters").get(0).asText()).isEqualTo("rest");

        assertThat(json(call("GET", "/api/v1/models?model_type=embedding", null)).get("count").asInt()).isEqualTo(1);
        JsonNode caps = json(call("GET", "/api/v1/models/story/capabilities", null));
        assertThat(caps.get("capabilities")).extracting(JsonNode::asText).contains("chat_completion", "streaming");
        assertThat(caps.get("from_model_type")).isNotEmpty();
        JsonNode loaded = json(call("POST", "/api/v1/models/story/load", "{\"timeout_seconds\": 10}"));
        assertThat(loaded.get("status").asText()).isEqualTo("LOADED");
        assertThat(json(call("GET", "/api/v1/models/loaded", null)).get("models"))
            .extracting(m -> m.get("id").asText()).contains("story");

        assertThat(call("POST", "/api/v1/models/switch", "{\"model\": \"story\"}").statusCode()).isEqualTo(200);
        assertThat(json(call("GET", "/api/v1/models/loaded", null)).get("current_model").asText()).isEqualTo("story");
        assertThat(json(call("GET", "/api/v1/models/current", null)).get("model").asText()).isEqualTo("story");
        assertThat(manager.defaultModel()).contains("story");

        JsonNode devices = json(call("GET", "/api/v1/devices", null)).get("devices");
        assertThat(devices.get(devices.size() - 1).get("id").asText()).isEqualTo("cpu");
        assertThat(devices.get(devices.size() - 1).get("models")).extracting(JsonNode::asText).contains("story");
        assertThat(json(call("GET", "/api/v1/devices", null)).get("problems")).isEmpty();
        manager.bindDeviceProvider(new dev.modelmanager.api.spi.DeviceProvider() {
            @Override
            public List<dev.modelmanager.api.spi.DeviceInfo> devices() {
                return List.of();
            }

            @Override
            public String unavailableReason() {
                return "no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH";
            }
        });
        assertThat(json(call("GET", "/api/v1/devices", null)).get("problems")).extracting(JsonNode::asText)
            .containsExactly("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
        assertThat(json(call("GET", "/api/v1/status", null)).get("device_problems")).extracting(JsonNode::asText)
            .containsExactly("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");

        JsonNode providers = json(call("GET", "/api/v1/providers", null));
        assertThat(providers.get("providers").get(0).get("name").asText()).isEqualTo("test");

        manager.embed("docs", List.of("a", "b"));
        JsonNode stats = json(call("GET", "/api/v1/statistics", null));
        assertThat(stats.get("by_model_type").get("embedding").get("items").asLong()).isEqualTo(2);
        assertThat(stats.get("by_status").get("LOADED").asInt()).isEqualTo(2);
        assertThat(stats.get("by_capability").get("embeddings").asInt()).isEqualTo(1);
        assertThat(stats.get("by_capability").get("streaming").asInt()).isEqualTo(1);

        assertThat(call("PUT", "/api/v1/aliases/writer", "{\"model\": \"story\"}").statusCode()).isEqualTo(200);
        assertThat(json(call("GET", "/api/v1/aliases", null)).get("aliases").get("writer").asText()).isEqualTo("story");
        assertThat(json(call("POST", "/v1/completions", "{\"model\": \"writer\", \"prompt\": \"a b\"}"))
            .get("choices").get(0).get("text").asText()).isEqualTo("b a");
        assertThat(json(call("GET", "/v1/models", null)).get("data")).extracting(m -> m.get("id").asText())
            .contains("writer");
        JsonNode profile = json(call("POST", "/api/v1/models/story/profile", "{\"requests\": 3}"));
        assertThat(profile.get("requests").asInt()).isEqualTo(3);
        assertThat(profile.get("tokens_per_second").asDouble()).isPositive();
        assertThat(call("DELETE", "/api/v1/aliases/writer", null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/aliases/writer", null).statusCode()).isEqualTo(404);

        JsonNode released = json(call("DELETE", "/api/v1/models/docs", null));
        assertThat(released.get("reference_count").asInt()).isZero();
        assertThat(json(call("POST", "/api/v1/models/story/unload", null)).get("unloaded").asBoolean()).isTrue();
    }

    @Test
    void theCatalogIsQueriedAndCompared() throws Exception {
        JsonNode vision = json(call("GET", "/api/v1/catalog?capability=vision", null));
        assertThat(vision.get("models")).extracting(m -> m.get("name").asText()).containsExactly("gpt-4o");
        assertThat(json(call("GET", "/api/v1/catalog?min_context_window=10000", null)).get("count").asInt()).isEqualTo(1);
        assertThat(json(call("GET", "/api/v1/catalog/compare?models=small,gpt-4o", null)).get("models"))
            .extracting(m -> m.get("context_window").asInt()).containsExactly(8000, 128000);
        assertThat(call("GET", "/api/v1/catalog/nope", null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/catalog?min_context_window=lots", null).statusCode()).isEqualTo(400);
    }

    @Test
    void openAiEmbeddingsGiveTheManagersVectors() throws Exception {
        registerEmbedder();
        HttpResponse<String> r = call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": [\"hello\", \"world\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        float[] direct = manager.embed("docs", List.of("world")).vectors().get(0);
        JsonNode second = body.get("data").get(1);
        assertThat(second.get("index").asInt()).isEqualTo(1);
        assertThat(second.get("embedding")).hasSize(384);
        for (int i = 0; i < direct.length; i++) {
            assertThat((float) second.get("embedding").get(i).asDouble()).isEqualTo(direct[i]);
        }
        JsonNode b64 = json(call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": \"world\", \"encoding_format\": \"base64\"}"));
        byte[] bytes = java.util.Base64.getDecoder().decode(b64.get("data").get(0).get("embedding").asText());
        java.nio.FloatBuffer floats = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        assertThat(floats.get(0)).isEqualTo(direct[0]);
        assertThat(json(call("GET", "/v1/models", null)).get("data").get(0).get("id").asText()).isEqualTo("docs");
    }

    @Test
    void chatCompletionsAnswerAndStreamAsServerSentEvents() throws Exception {
        registerGenerator();
        JsonNode r = json(call("POST", "/v1/chat/completions", """
            {"model": "story", "messages": [{"role": "system", "content": "be brief"},
             {"role": "user", "content": [{"type": "text", "text": "one two three"}]}], "max_tokens": 2}"""));
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("choices").get(0).get("message").get("content").asText()).isEqualTo("three two");
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(2);

        HttpResponse<String> stream = call("POST", "/v1/chat/completions", """
            {"model": "story", "messages": [{"role": "user", "content": "one two three"}], "stream": true,
             "stream_options": {"include_usage": true}}""");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        for (String line : stream.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6));
            }
        }
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        String finish = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = Json.MAPPER.readTree(e);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.get("choices").size() > 0) {
                JsonNode choice = chunk.get("choices").get(0);
                if (choice.get("delta").has("content")) {
                    text.append(choice.get("delta").get("content").asText());
                }
                if (!choice.get("finish_reason").isNull()) {
                    finish = choice.get("finish_reason").asText();
                }
            } else {
                usage = chunk.get("usage");
            }
        }
        assertThat(text.toString()).isEqualTo("three two one");
        assertThat(finish).isEqualTo("stop");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(3);

        JsonNode completion = json(call("POST", "/v1/completions", "{\"model\": \"story\", \"prompt\": \"a b\"}"));
        assertThat(completion.get("choices").get(0).get("text").asText()).isEqualTo("b a");
    }

    @Test
    void badInputGetsOpenAiStyleErrorsAndNothingElseIsDisturbed() throws Exception {
        registerEmbedder();
        HttpResponse<String> malformed = call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": [");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").get("message").asText()).contains("not valid JSON");

        HttpResponse<String> wrongType = call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": 42}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("error").get("param").asText()).isEqualTo("input");

        HttpResponse<String> unknown = call("POST", "/v1/embeddings", "{\"model\": \"nope\", \"input\": \"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").get("code").asText()).isEqualTo("model_not_found");

        HttpResponse<String> notGenerating = call("POST", "/v1/chat/completions",
            "{\"model\": \"docs\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true}");
        assertThat(notGenerating.statusCode()).isEqualTo(400);

        String big = "{\"model\": \"docs\", \"input\": \"" + "x".repeat(5 << 20) + "\"}";
        assertThat(call("POST", "/v1/embeddings", big).statusCode()).isEqualTo(413);

        HttpResponse<String> badRequirement = call("POST", "/api/v1/models",
            "{\"id\": \"x\", \"requirement\": {\"model_type\": \"embedding\", \"name\": \"a/b\", \"dimension\": \"big\"}}");
        assertThat(badRequirement.statusCode()).isEqualTo(400);
        assertThat(json(badRequirement).get("error").get("param").asText()).isEqualTo("dimension");

        HttpResponse<String> badRole = call("POST", "/v1/chat/completions",
            "{\"model\": \"docs\", \"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}");
        assertThat(json(badRole).get("error").get("param").asText()).isEqualTo("messages[0].role");

        assertThat(call("GET", "/v1/nothing", null).statusCode()).isEqualTo(404);
        HttpResponse<String> nowhere = call("GET", "/api/v1/nothing", null);
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(json(nowhere).get("error").get("message").asText()).contains("served: /api/v1/models");
        // A known path asked with another method is 405, with every face's JSON error body.
        HttpResponse<String> wrongMethod = call("PATCH", "/api/v1/models/docs", "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(json(wrongMethod).get("error").get("code").asText()).isEqualTo("method_not_allowed");
        assertThat(call("GET", "/v1/embeddings", null).statusCode()).isEqualTo(405);
        assertThat(call("GET", "/api/v1/models/docs/nothing", null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/v1/embeddings", "not json", "Content-Type", "text/plain").statusCode()).isIn(400, 415);
        // Still serving.
        assertThat(call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": \"x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void theApiKeyIsRequiredWhenConfiguredOrWhenListeningBeyondLoopback() throws Exception {
        exposed.set(true);
        HttpResponse<String> refused = call("GET", "/api/v1/models", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused).get("error").get("message").asText()).contains("API key is required");
        assertThat(call("GET", "/health", null).statusCode()).as("health needs no key").isEqualTo(200);

        settings.set(new RestSettings("s3cret-key", 1 << 20, "rest"));
        assertThat(call("GET", "/api/v1/models", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/models", null, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/models", null, "Authorization", "Bearer s3cret-key").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/models", null, "x-api-key", "s3cret-key").statusCode()).isEqualTo(200);
        assertThat(settings.get().toString()).doesNotContain("s3cret");
    }

    @Test
    void healthIsReadyOncePreloadsSettleAndMetricsSpeakPrometheus() throws Exception {
        manager.register("slow", ModelRequirement.builder(ModelType.EMBEDDING, "a/b").preloadWorkers(1)
            .option(TestModelProvider.LOAD_DELAY_MS, "800").build(), "t");
        HttpResponse<String> early = call("GET", "/health/ready", null);
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(json(early).get("preloading").get(0).asText()).isEqualTo("slow");
        assertThat(call("GET", "/health/live", null).statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (call("GET", "/health/ready", null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready in time").isLessThan(deadline);
            Thread.sleep(50);
        }
        manager.embed("slow", List.of("x", "y"));
        manager.embed("slow", List.of("x"));
        String metrics = call("GET", "/metrics", null).body();
        assertThat(metrics).contains("# TYPE modelmanager_model_requests_total counter",
            "modelmanager_model_requests_total{model=\"slow\",model_type=\"embedding\",provider=\"test\"} 2",
            "modelmanager_model_items_total{model=\"slow\",model_type=\"embedding\",provider=\"test\"} 3",
            "modelmanager_embedding_cache_hits_total{model=\"slow\",model_type=\"embedding\",provider=\"test\"} 1",
            "modelmanager_model_request_duration_seconds_count{model=\"slow\",model_type=\"embedding\",provider=\"test\"} 2",
            "modelmanager_models{status=\"LOADED\"} 1",
            "modelmanager_http_requests_total{face=\"health\",code=\"503\"}");
    }
}
