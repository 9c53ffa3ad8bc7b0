package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Time to first token and inter-token latency in {@code /metrics} (Prometheus histograms for the models that
 * generate) and in a model's statistics (p50/p95; null while nothing was measured).
 */
class TokenTimesOverRestTest {
    private static final String STORY = "model=\"story\",model_type=\"text_generation\",provider=\"test\"";

    private RestServer rest;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer();
        rest.manager.register("story", ModelRequirement.builder(ModelType.TEXT_GENERATION, "ggml-org/models")
            .option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "t");
        rest.manager.register("docs", ModelRequirement.builder(ModelType.EMBEDDING, "a/b").build(), "t");
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    @Test
    void metricsHaveBothHistogramsForTheModelsThatGenerate() throws Exception {
        rest.manager.generate("story", "one two three four", null); // 4 tokens: 1 first token, 3 gaps
        rest.manager.generate("story", "five six", null); // 2 tokens: 1 first token, 1 gap
        rest.manager.embed("docs", List.of("x"));

        String metrics = rest.call("GET", "/metrics", null).body();
        assertThat(metrics).contains("# TYPE modelmanager_time_to_first_token_seconds histogram",
            "# TYPE modelmanager_inter_token_latency_seconds histogram",
            "modelmanager_time_to_first_token_seconds_bucket{" + STORY + ",le=\"0.005\"} ",
            "modelmanager_time_to_first_token_seconds_bucket{" + STORY + ",le=\"60.0\"} 2",
            "modelmanager_time_to_first_token_seconds_bucket{" + STORY + ",le=\"+Inf\"} 2",
            "modelmanager_time_to_first_token_seconds_sum{" + STORY + "} ",
            "modelmanager_time_to_first_token_seconds_count{" + STORY + "} 2",
            "modelmanager_inter_token_latency_seconds_bucket{" + STORY + ",le=\"0.001\"} 0",
            "modelmanager_inter_token_latency_seconds_bucket{" + STORY + ",le=\"+Inf\"} 4",
            "modelmanager_inter_token_latency_seconds_sum{" + STORY + "} ",
            "modelmanager_inter_token_latency_seconds_count{" + STORY + "} 4");
        assertThat(metrics).as("an embedding model has no token times")
            .doesNotContain("modelmanager_time_to_first_token_seconds_count{model=\"docs\"")
            .doesNotContain("modelmanager_inter_token_latency_seconds_count{model=\"docs\"");
    }

    @Test
    void aModelsStatisticsHaveTheP50AndP95OfBoth() throws Exception {
        rest.manager.generate("story", "one two three", null);

        JsonNode story = RestServer.json(rest.call("GET", "/api/v1/models/story", null)).get("stats");
        // Every token waits 20 ms: the estimates lie in the (0.01, 0.025] buckets or above.
        assertThat(story.get("time_to_first_token_p50_seconds").asDouble()).isGreaterThanOrEqualTo(0.01);
        assertThat(story.get("time_to_first_token_p95_seconds").asDouble())
            .isGreaterThanOrEqualTo(story.get("time_to_first_token_p50_seconds").asDouble());
        assertThat(story.get("inter_token_latency_p50_seconds").asDouble()).isGreaterThanOrEqualTo(0.01);
        assertThat(story.get("inter_token_latency_p95_seconds").asDouble())
            .isGreaterThanOrEqualTo(story.get("inter_token_latency_p50_seconds").asDouble());

        JsonNode docs = RestServer.json(rest.call("GET", "/api/v1/models/docs", null)).get("stats");
        assertThat(docs.has("time_to_first_token_p50_seconds")).isTrue();
        assertThat(docs.get("time_to_first_token_p50_seconds").isNull()).as("never generated").isTrue();
        assertThat(docs.get("inter_token_latency_p95_seconds").isNull()).isTrue();

        JsonNode totals = RestServer.json(rest.call("GET", "/api/v1/statistics", null)).get("totals");
        assertThat(totals.get("inter_token_latency_p50_seconds").asDouble()).isGreaterThanOrEqualTo(0.01);
    }
}
