package dev.modelmanager.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/** The Models plugin's data and actions over HTTP, in front of a real manager. */
class ModelsPluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelRequirement.Builder embedding(String name) {
        return ModelRequirement.builder(ModelType.EMBEDDING, name).dimension(16);
    }

    @Test
    void theDataShowsStatusReferencesCacheAndLatencyAndKeepsOddTextIntact() throws Exception {
        try (PluginServer server = new PluginServer()) {
            server.manager.register("embedder", embedding("org/embedder").build(), "host-a");
            server.manager.register("embedder", embedding("org/embedder").build(), "host-b");
            server.manager.embed("embedder", List.of("a cat"));
            server.manager.embed("embedder", List.of("a cat"));
            String odd = "weights \"bad\" </script><b>\n\u2028\\ end";
            server.manager.register("broken", embedding("org/broken").option(TestModelProvider.FAIL_LOAD, odd)
                .preloadWorkers(1).build(), "host-a");
            await(() -> server.manager.info("broken").status() == ModelStatus.FAILED);

            HttpResponse<String> answer = server.call("GET", "/console/models/data.json", null);

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("application/json"));
            assertThat(answer.body()).doesNotContain("</script>").doesNotContain("<b>");
            JsonNode data = JSON.readTree(answer.body());
            assertThat(data.get("registered").asInt()).isEqualTo(2);
            JsonNode broken = data.get("models").get(0);
            assertThat(broken.get("id").asText()).isEqualTo("broken");
            assertThat(broken.get("status").asText()).isEqualTo("FAILED");
            assertThat(broken.get("reason").asText()).contains(odd);
            JsonNode embedder = data.get("models").get(1);
            assertThat(embedder.get("status").asText()).isEqualTo("LOADED");
            assertThat(embedder.get("references").asInt()).isEqualTo(2);
            assertThat(embedder.get("requesters")).extracting(JsonNode::asText).containsExactly("host-a", "host-b");
            assertThat(embedder.get("device").asText()).isEqualTo("cpu");
            assertThat(embedder.get("cache").get("hitRate").asDouble()).isEqualTo(0.5);
            assertThat(embedder.get("requests").asLong()).isEqualTo(2);
            assertThat(embedder.get("latencyP95Ms").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(embedder.get("ttftP50Ms").isNull()).as("an embedder never generated a token").isTrue();
            assertThat(embedder.get("itlP95Ms").isNull()).isTrue();
            assertThat(embedder.get("memoryBytes").asLong()).isPositive();
        }
    }

    @Test
    void aGeneratorShowsItsTimeToFirstTokenAndBetweenTokens() throws Exception {
        try (PluginServer server = new PluginServer()) {
            server.manager.register("writer", ModelRequirement.builder(dev.modelmanager.api.ModelType.TEXT_GENERATION,
                "org/writer").build(), "host");
            server.manager.generate("writer", "one two three", null);
            JsonNode writer = JSON.readTree(server.call("GET", "/console/models/data.json", null).body())
                .get("models").get(0);
            assertThat(writer.get("ttftP50Ms").asDouble()).isPositive();
            assertThat(writer.get("ttftP95Ms").asDouble()).isGreaterThanOrEqualTo(writer.get("ttftP50Ms").asDouble());
            assertThat(writer.get("itlP50Ms").isNumber()).isTrue();
        }
    }

    @Test
    void actionsNeedThePageTokenAndComeFromThisOrigin() throws Exception {
        try (PluginServer server = new PluginServer()) {
            server.manager.register("embedder", embedding("org/embedder").build(), "host");
            server.manager.load("embedder", Duration.ofSeconds(10));
            String token = token(server.call("GET", "/page", null).body());
            String unload = "action=unload&model=embedder";

            assertThat(server.call("POST", "/console/models/action", unload).statusCode()).isEqualTo(403);
            assertThat(server.call("POST", "/console/models/action", unload, ActionGuard.HEADER, "forged")
                .statusCode()).isEqualTo(403);
            assertThat(server.call("POST", "/console/models/action", unload, ActionGuard.HEADER, token,
                "Origin", "http://attacker.example").statusCode()).isEqualTo(403);
            assertThat(server.call("POST", "/console/models/action", unload, ActionGuard.HEADER, token,
                "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
            assertThat(server.manager.info("embedder").status()).isEqualTo(ModelStatus.LOADED);

            String origin = server.base.substring(0, server.base.indexOf("/system"));
            HttpResponse<String> done = server.call("POST", "/console/models/action", unload, ActionGuard.HEADER,
                token, "Origin", origin, "Sec-Fetch-Site", "same-origin");
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(JSON.readTree(done.body()).get("result").asText()).isEqualTo("unloaded");
            await(() -> server.manager.info("embedder").status() == ModelStatus.UNLOADED);
            assertThat(server.manager.info("embedder").requesters()).as("unloading releases nobody")
                .containsExactly("host");
        }
    }

    @Test
    void loadAndClearCacheAndWhatTheyRefuse() throws Exception {
        try (PluginServer server = new PluginServer()) {
            server.manager.register("embedder", embedding("org/embedder").build(), "host");
            String token = token(server.call("GET", "/page", null).body());

            HttpResponse<String> load = server.call("POST", "/console/models/action", "action=load&model=embedder",
                ActionGuard.HEADER, token);
            assertThat(load.statusCode()).isEqualTo(202);
            await(() -> server.manager.info("embedder").status() == ModelStatus.LOADED);

            server.manager.embed("embedder", List.of("held in the cache"));
            assertThat(server.manager.info("embedder").cache().size()).isEqualTo(1);
            assertThat(server.call("POST", "/console/models/action", "action=clear-cache&model=embedder",
                ActionGuard.HEADER, token).statusCode()).isEqualTo(200);
            assertThat(server.manager.info("embedder").cache().size()).isZero();

            assertThat(server.call("POST", "/console/models/action", "action=load&model=nobody",
                ActionGuard.HEADER, token).statusCode()).isEqualTo(404);
            assertThat(server.call("POST", "/console/models/action", "action=explode&model=embedder",
                ActionGuard.HEADER, token).statusCode()).isEqualTo(400);
            assertThat(server.call("POST", "/console/models/action", "action=load", ActionGuard.HEADER, token)
                .statusCode()).isEqualTo(400);
        }
    }

    @Test
    void thePageNamesItsScriptAndTokenAndTheScriptIsServed() throws Exception {
        try (PluginServer server = new PluginServer()) {
            String page = server.call("GET", "/page", null).body();
            assertThat(page).contains("data-root=\"/system/console/models\"")
                .contains("<script src=\"/system/console/models/res/models.js\"></script>");
            assertThat(token(page)).hasSizeGreaterThan(40);

            HttpResponse<String> script = server.call("GET", "/console/models/res/models.js", null);
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.body()).contains("data.json").contains("X-ModelManager-Token")
                .doesNotContain("innerHTML");
        }
    }

    @Test
    void theKeyARequestCarries() throws Exception {
        try (PluginServer server = new PluginServer()) {
            assertThat(server.call("GET", "/key", null).body()).isEqualTo("null");
            assertThat(server.call("GET", "/key", null, "Authorization", "Bearer  k1 ").body()).isEqualTo("k1");
            assertThat(server.call("GET", "/key", null, "x-api-key", "k2").body()).isEqualTo("k2");
            String basic = java.util.Base64.getEncoder().encodeToString("anyone:k3:with-colon".getBytes());
            assertThat(server.call("GET", "/key", null, "Authorization", "Basic " + basic).body())
                .isEqualTo("k3:with-colon");
            assertThat(server.call("GET", "/key", null, "Authorization", "Basic !!!").body()).isEqualTo("null");
            String empty = java.util.Base64.getEncoder().encodeToString("admin:".getBytes());
            assertThat(server.call("GET", "/key", null, "Authorization", "Basic " + empty).body()).isEqualTo("null");
        }
    }

    private static String token(String page) {
        Matcher m = Pattern.compile("data-token=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as(page).isTrue();
        return m.group(1);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(20);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("timed out").isBefore(end);
            Thread.sleep(20);
        }
    }
}
