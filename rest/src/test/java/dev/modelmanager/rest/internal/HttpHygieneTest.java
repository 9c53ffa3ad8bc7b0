package dev.modelmanager.rest.internal;

import static dev.modelmanager.rest.internal.RestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Client input never gets a 500: JSON beyond the parser's limits is a 400 naming the limit; 429 and 503 say when to
 * come back; every path and method, known or not, answers the faces' JSON error body.
 */
class HttpHygieneTest {
    private RestServer rest;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer(s -> s.withQueue(1, 0));
        rest.manager.register("docs", ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/x")
            .dimension(384).build(), "rest");
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.uri() + " " + r.body())
            .startsWith("application/json");
        assertThat(json(r).path("error").path("message").asText()).isNotBlank();
    }

    @Test
    void jsonBeyondTheParsersLimitsIsA400NamingTheLimit() throws Exception {
        HttpResponse<String> deep = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": " + "[".repeat(1001) + "]".repeat(1001) + "}");
        assertJsonError(deep, 400);
        assertThat(json(deep).get("error").get("message").asText()).contains("nest at most " + JsonLimits.MAX_DEPTH);
        assertThat(json(deep).get("error").get("param").asText()).startsWith("input[0][0]");

        HttpResponse<String> longNumber = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": \"x\", \"dimensions\": " + "9".repeat(1001) + "}");
        assertJsonError(longNumber, 400);
        assertThat(json(longNumber).get("error").get("message").asText())
            .contains("at most " + JsonLimits.MAX_NUMBER_LENGTH + " characters");
        assertThat(json(longNumber).get("error").get("param").asText()).isEqualTo("dimensions");

        HttpResponse<String> longKey = rest.call("POST", "/api/v1/models",
            "{\"id\": \"x\", \"" + "k".repeat(60_000) + "\": 1}");
        assertJsonError(longKey, 400);
        assertThat(json(longKey).get("error").get("message").asText())
            .contains("field name has at most " + JsonLimits.MAX_NAME_LENGTH);
        assertThat(json(longKey).get("error").get("code").asText()).isEqualTo("json_limit_exceeded");

        // Within max.request.bytes a string may be as long as the body: raising the limit meets no hidden one.
        rest.settings.set(new RestSettings(null, 30L << 20, "rest"));
        HttpResponse<String> longString = rest.call("POST", "/v1/embeddings",
            "{\"model\": \"docs\", \"input\": \"" + "x".repeat(21 << 20) + "\", \"dimensions\": \"no\"}");
        assertJsonError(longString, 400);
        assertThat(json(longString).get("error").get("param").asText()).isEqualTo("dimensions");

        HttpResponse<String> trailing = rest.call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": \"x\"} {}");
        assertJsonError(trailing, 400);
        assertThat(json(trailing).get("error").get("message").asText()).contains("more content follows");
        HttpResponse<String> infinite = rest.call("POST", "/v1/chat/completions", "{\"model\": \"docs\", \"messages\": "
            + "[{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": 1e400}");
        assertJsonError(infinite, 400);
        assertThat(json(infinite).get("error").get("param").asText()).isEqualTo("temperature");
    }

    @Test
    void every429And503SaysWhenToComeBack() throws Exception {
        rest.manager.register("slow", ModelRequirement.builder(ModelType.TEXT_GENERATION, "test/slow")
            .option(TestModelProvider.TOKEN_DELAY_MS, "300").build(), "rest");
        rest.manager.load("slow", Duration.ofSeconds(10));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // One slot and no queue: of four calls at once, some are refused with 429.
            List<CompletableFuture<HttpResponse<String>>> calls = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return rest.call("POST", "/v1/completions", "{\"model\": \"slow\", \"prompt\": \"a b c\"}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool)).toList();
            List<HttpResponse<String>> refused = calls.stream().map(CompletableFuture::join)
                .filter(r -> r.statusCode() == 429).toList();
            assertThat(refused).isNotEmpty();
            for (HttpResponse<String> r : refused) {
                assertJsonError(r, 429);
                assertThat(r.headers().firstValue("Retry-After")).contains("1");
            }
        } finally {
            pool.shutdownNow();
        }

        rest.manager.register("nowhere", ModelRequirement.builder(ModelType.EMBEDDING, "test/nowhere")
            .provider("absent").build(), "rest");
        HttpResponse<String> noProvider = rest.call("POST", "/v1/embeddings", "{\"model\": \"nowhere\", \"input\": \"x\"}");
        assertJsonError(noProvider, 503);
        assertThat(noProvider.headers().firstValue("Retry-After")).contains("30");

        rest.settings.set(new RestSettings(null, "the file is empty", 1 << 20, "rest", 2, 45));
        HttpResponse<String> noKey = rest.call("GET", "/api/v1/models", null);
        assertJsonError(noKey, 503);
        assertThat(noKey.headers().firstValue("Retry-After")).contains("45");
        assertThat(noKey.body()).doesNotContain("the file is empty");
        rest.settings.set(RestSettings.DEFAULTS);

        rest.manager.register("preloading", ModelRequirement.builder(ModelType.EMBEDDING, "test/preloading")
            .preloadWorkers(1).option(TestModelProvider.LOAD_DELAY_MS, "2000").build(), "t");
        HttpResponse<String> unready = rest.call("GET", "/health/ready", null);
        assertThat(unready.statusCode()).isEqualTo(503);
        assertThat(unready.headers().firstValue("Retry-After")).contains("30");
    }

    @Test
    void unknownPathsAndMethodsAnswerJsonOnEveryFace() throws Exception {
        for (String path : List.of("/xyz", "/", "/api", "/api/v1", "/api/v1/xyz", "/v1", "/v1/xyz", "/v2/models",
            "/metrics/x", "/health/x", "/api/v1/models/docs/xyz")) {
            assertJsonError(rest.call("GET", path, null), 404);
        }
        for (String method : List.of("PATCH", "PUT", "DELETE", "POST", "OPTIONS")) {
            HttpResponse<String> r = rest.call(method, "/xyz", method.equals("POST") ? "{}" : null);
            assertJsonError(r, 404);
            assertThat(json(r).get("error").get("message").asText()).contains("/api/v1, /v1, /health, /metrics, /model-status");
        }
        assertJsonError(rest.call("PATCH", "/api/v1/models/docs", "{}"), 405);
        assertJsonError(rest.call("DELETE", "/health", null), 405);
        assertJsonError(rest.call("POST", "/metrics", "{}"), 405);
        assertJsonError(rest.call("GET", "/v1/chat/completions", null), 405);
    }

    /** What the fuzz pass (RestFuzzTest) found, kept as plain cases. */
    @Test
    void refusalsFoundByTheFuzzPassAre4xxNamingTheField() throws Exception {
        rest.manager.register("clf", ModelRequirement.builder(ModelType.CLASSIFICATION, "test/bert").build(), "rest");
        rest.manager.unload("docs");
        for (String wait : List.of("-176", "0", "86401")) {
            HttpResponse<String> load = rest.call("POST", "/api/v1/models/docs/load", "{\"timeout_seconds\": " + wait + "}");
            assertJsonError(load, 400);
            assertThat(json(load).get("error").get("param").asText()).isEqualTo("timeout_seconds");
            HttpResponse<String> alias = rest.call("PUT", "/api/v1/aliases/a", "{\"model\": \"docs\", "
                + "\"timeout_seconds\": " + wait + "}");
            assertJsonError(alias, 400);
            assertThat(json(alias).get("error").get("param").asText()).isEqualTo("timeout_seconds");
        }
        HttpResponse<String> cannot = rest.call("POST", "/v1/embeddings", "{\"model\": \"clf\", \"input\": \"x\"}");
        assertJsonError(cannot, 400);
        assertThat(json(cannot).get("error").get("param").asText()).isEqualTo("model");
        HttpResponse<String> blankKey = rest.call("POST", "/api/v1/models", """
            {"id": "x", "requirement": {"model_type": "embedding", "name": "a/b", "": 1}}""");
        assertJsonError(blankKey, 400);
        assertThat(json(blankKey).get("error").get("param").asText()).isEqualTo("requirement");
        HttpResponse<String> noSuchFile = rest.call("POST", "/api/v1/models", """
            {"id": "x", "requirement": {"model_type": "embedding", "name": "a/b", "path": "nothing-here"}}""");
        assertThat(noSuchFile.statusCode()).as(noSuchFile.body()).isBetween(400, 499);
        assertThat(json(noSuchFile).get("error").get("param").asText()).isEqualTo("path");
    }
}
