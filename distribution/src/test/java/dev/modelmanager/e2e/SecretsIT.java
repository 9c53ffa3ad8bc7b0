package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Keys written inline into {@code etc/} (the REST API's, a remote endpoint's and the manager's Hub token) as an
 * operator might, against the distribution as a server: File Install puts them into Config Admin, which persists
 * every configuration under {@code data/config/} readable by everyone, and Gogo prints configurations. After start the
 * keys are nowhere in {@code data/config/}, {@code cm:getConfiguration}, {@code scr:info}, {@code model:status}, the
 * log or the state file; they are in owner-only files under {@code data/secrets/}, and the REST key still guards the
 * API. The same server answers the
 * faces' JSON errors through the Servlet Whiteboard's default servlet and error pages (one start for both).
 */
class SecretsIT {
    private static final String REST_KEY = "rest-key-7f3a9c1e5b";
    private static final String REMOTE_KEY = "sk-remote-2d8e4b6a0c";
    private static final String HUB_TOKEN = "hf_inline_5e1c7a9d3b";

    private static DistributionServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new DistributionServer("e2e-secrets");
        Path etc = server.home.resolve("etc");
        Files.writeString(etc.resolve("dev.modelmanager.rest.cfg"),
            Files.readString(etc.resolve("dev.modelmanager.rest.cfg")) + "\napi.key=" + REST_KEY + "\n");
        Files.writeString(etc.resolve("dev.modelmanager.core.cfg"),
            Files.readString(etc.resolve("dev.modelmanager.core.cfg")) + "\nhub.token=" + HUB_TOKEN + "\n");
        Files.writeString(etc.resolve("dev.modelmanager.remote.endpoint-vault.cfg"),
            "kind=openai\nbase.url=http://127.0.0.1:9\napi.key=" + REMOTE_KEY + "\n");
        server.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsAKey(Path file) {
        try {
            String text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
            return text.contains(REST_KEY) || text.contains(REMOTE_KEY) || text.contains(HUB_TOKEN);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void inlineKeysLeaveConfigAdminAndAreNeitherPersistedNorPrinted() throws Exception {
        Path data = server.home.resolve("data");
        // The move is Config Admin's update after File Install's: give it the moment it takes.
        server.await("no key in data/config", Duration.ofSeconds(20),
            () -> filesUnder(data.resolve("config")).stream().noneMatch(SecretsIT::holdsAKey));
        assertThat(filesUnder(data.resolve("config"))).as("Config Admin's files").isNotEmpty();

        Path restKey = data.resolve("secrets/dev.modelmanager.rest.api.key");
        Path remoteKey = data.resolve("secrets/dev.modelmanager.remote.endpoint~vault.api.key");
        Path hubToken = data.resolve("secrets/dev.modelmanager.core.hub.token");
        assertThat(Files.readString(restKey).strip()).isEqualTo(REST_KEY);
        assertThat(Files.readString(remoteKey).strip()).isEqualTo(REMOTE_KEY);
        assertThat(Files.readString(hubToken).strip()).isEqualTo(HUB_TOKEN);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restKey))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(remoteKey))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hubToken))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restKey.getParent())))
            .isEqualTo("rwx------");

        // The key still guards the API.
        assertThat(server.get("/api/v1/models").statusCode()).isEqualTo(401);
        assertThat(server.get("/api/v1/models", "Authorization", "Bearer " + REST_KEY).statusCode()).isEqualTo(200);

        for (String command : List.of("cm:getConfiguration dev.modelmanager.rest", "cm:getConfiguration dev.modelmanager.core",
            "cm:listConfigurations \"(service.factoryPid=dev.modelmanager.remote.endpoint)\"",
            "scr:info dev.modelmanager.rest.internal.RestApi",
            "scr:info dev.modelmanager.provider.remote.internal.EndpointComponent",
            "scr:info dev.modelmanager.core.internal.ModelManagerComponent", "model:status", "model:providers")) {
            DistributionIT.Run run = server.run("-c", command);
            assertThat(run.status()).as(command + ": " + run.err()).isZero();
            assertThat(run.out() + run.err()).as(command).doesNotContain(REST_KEY, REMOTE_KEY, HUB_TOKEN);
            if (command.equals("cm:getConfiguration dev.modelmanager.rest")) {
                assertThat(run.out()).as(command).contains("api.key.file");
            }
            if (command.equals("cm:getConfiguration dev.modelmanager.core")) {
                assertThat(run.out()).as(command).contains("hub.token.file");
            }
            if (command.equals("model:status")) {
                assertThat(run.out()).as("the moved token is read: no problem").doesNotContain("problem:");
            }
        }
        assertThat(filesUnder(data.resolve("log"))).isNotEmpty().noneMatch(SecretsIT::holdsAKey);
        assertThat(Files.readString(data.resolve("state.json"))).doesNotContain(REST_KEY, REMOTE_KEY, HUB_TOKEN);
        assertThat(server.output()).doesNotContain(REST_KEY, REMOTE_KEY, HUB_TOKEN);
    }

    @Test
    void everyOtherPathAndMethodAnswersTheFacesJsonError() throws Exception {
        String key = "Bearer " + REST_KEY;
        for (String method : List.of("GET", "PATCH", "DELETE", "PUT")) {
            for (String path : List.of("/xyz", "/", "/api", "/v2/models")) {
                HttpResponse<String> r = server.send(method, path, method.equals("PUT") ? "{}" : null,
                    "Authorization", key);
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(404);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).as(method + " " + path)
                    .startsWith("application/json");
                JsonNode error = DistributionServer.json(r).get("error");
                assertThat(error.get("message").asText()).contains("/api/v1, /v1, /health, /metrics");
            }
        }
        HttpResponse<String> hubStyle = server.send("POST", "/api/v1/models", """
            {"id": "org/model", "requirement": {"model_type": "embedding", "name": "org/model"}}""",
            "Authorization", key);
        assertThat(hubStyle.statusCode()).as(hubStyle.body()).isEqualTo(400);
        assertThat(DistributionServer.json(hubStyle).get("error").get("param").asText()).isEqualTo("id");
        HttpResponse<String> deep = server.send("POST", "/v1/embeddings", "{\"model\": \"minilm\", \"input\": "
            + "[".repeat(1001) + "]".repeat(1001) + "}", "Authorization", key);
        assertThat(deep.statusCode()).as(deep.body()).isEqualTo(400);
        assertThat(DistributionServer.json(deep).get("error").get("code").asText()).isEqualTo("json_limit_exceeded");
    }
}
