package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Web Console behind the REST API's access rules, over plain HTTP against the distribution as a server: with an
 * API key, only requests that carry it (Bearer, or a Basic password for browsers), never the console's own
 * admin/admin; listening beyond loopback without a key, nothing at all. Actions need the page's token. The health
 * check servlet reports the models' checks.
 */
class WebConsoleAccessIT {
    private static final String KEY = "console-test-key";

    @Test
    void withAKeyTheConsoleWantsItAndActionsWantThePageToken() throws Exception {
        try (DistributionServer server = new DistributionServer("e2e-webconsole-key")
            .start(Map.of("MODELMANAGER_API_KEY", KEY))) {
            HttpResponse<String> anonymous = server.get("/system/console/models");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Basic realm="));
            assertThat(server.get("/system/console/models", "Authorization", basic("admin", "admin")).statusCode())
                .as("the console's default login is never taken").isEqualTo(401);
            assertThat(server.get("/system/console/bundles", "Authorization", basic("any", "wrong")).statusCode())
                .isEqualTo(401);
            assertThat(server.get("/system/console/res/lib/jquery-3.7.1.js").statusCode()).isEqualTo(401);

            HttpResponse<String> page = server.get("/system/console/models", "Authorization", basic("any", KEY));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"mm-models\"");
            JsonNode data = DistributionServer.json(server.get("/system/console/models/data.json",
                "Authorization", "Bearer " + KEY));
            assertThat(data.at("/models/0/id").asText()).isEqualTo("minilm");
            assertThat(data.at("/models/0/status").asText()).isEqualTo("LOADED");

            // The action in the query (DistributionServer sends bodies as JSON); the page posts a form.
            String action = "/system/console/models/action?action=unload&model=minilm";
            HttpResponse<String> noToken = server.send("POST", action, null,
                "Authorization", basic("any", KEY));
            assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(403);
            String token = token(page.body());
            HttpResponse<String> crossSite = server.send("POST", action, null,
                "Authorization", basic("any", KEY), "X-ModelManager-Token", token, "Origin", "http://attacker.example");
            assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);
            HttpResponse<String> unload = server.send("POST", action, null,
                "Authorization", basic("any", KEY), "X-ModelManager-Token", token);
            assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
            assertThat(DistributionServer.json(unload).at("/result").asText()).isEqualTo("unloaded");

            // The health check servlet: the model manager's checks by default, as JSON, without a CORS header.
            assertThat(server.get("/system/health").statusCode()).as("behind the key too").isEqualTo(401);
            HttpResponse<String> health = server.get("/system/health", "Authorization", "Bearer " + KEY);
            assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            JsonNode results = DistributionServer.json(health).get("results");
            assertThat(results.findValuesAsText("name")).contains("Model Manager", "Model minilm", "Model stories");
            for (JsonNode result : results) {
                if (result.get("name").asText().equals("Model stories")) {
                    // offline, the Hub model cannot be fetched: CRITICAL, with the reason
                    assertThat(result.get("status").asText()).isEqualTo("CRITICAL");
                    assertThat(result.get("messages").toString()).contains("offline");
                }
                if (result.get("name").asText().equals("Model minilm")) {
                    assertThat(result.get("status").asText()).isEqualTo("OK");
                }
            }
            assertThat(health.statusCode()).as("a CRITICAL check makes it 503").isEqualTo(503);
        }
    }

    @Test
    void onLoopbackWithoutAKeyAnotherSitesFormCannotDriveTheConsole() throws Exception {
        try (DistributionServer server = new DistributionServer("e2e-webconsole-csrf").start(Map.of())) {
            assertThat(server.get("/system/console/bundles").statusCode()).as("open on loopback").isEqualTo(200);
            // What a page of another site would make the browser post: install a bundle from anywhere.
            HttpResponse<String> install = server.send("POST", "/system/console/bundles?action=install", null,
                "Origin", "https://attacker.example", "Sec-Fetch-Site", "cross-site");
            assertThat(install.statusCode()).as(install.body()).isEqualTo(403);
            assertThat(install.body()).contains("another site");
            HttpResponse<String> config = server.send("POST", "/system/console/configMgr/dev.modelmanager.rest", null,
                "Origin", "http://localhost:3000");
            assertThat(config.statusCode()).as("another origin on this machine too").isEqualTo(403);
            HttpResponse<String> api = server.send("POST", "/api/v1/models/minilm/unload", null,
                "Origin", "https://attacker.example");
            assertThat(api.statusCode()).as("the REST API has the same rule").isEqualTo(403);
            assertThat(server.get("/api/v1/models/minilm").body()).contains("LOADED");
        }
    }

    @Test
    void listeningBeyondLoopbackWithoutAKeyTheConsoleServesNothing() throws Exception {
        try (DistributionServer server = new DistributionServer("e2e-webconsole-exposed")) {
            server.start(Map.of("MODELMANAGER_OPTS", "-Dorg.osgi.service.http.port=" + server.port
                + " -Dorg.apache.felix.http.host=0.0.0.0"));
            HttpResponse<String> page = server.get("/system/console/models");
            assertThat(page.statusCode()).isEqualTo(401);
            assertThat(page.body()).contains("API key is required");
            assertThat(page.headers().firstValue("WWW-Authenticate")).as("no key would help").isEmpty();
            assertThat(server.get("/system/console/models", "Authorization", basic("admin", "admin")).statusCode())
                .isEqualTo(401);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String token(String page) {
        Matcher m = Pattern.compile("data-token=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("the page carries its token").isTrue();
        return m.group(1);
    }
}
