package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Files are input too (issue 20): over REST, broken model files are refused at registration with 422 and a reason
 * naming the file, never a 500 on first use; paths outside the model roots get one answer whether they exist or not,
 * and no answer quotes a file's content; relative paths are looked up in the roots and kept absolute. A broken file
 * declared in {@code etc/} (not checked at registration) fails its model with the same typed 422.
 */
class ModelFilesIT {
    private static final Path MODELS = Path.of(System.getProperty("shared.models")).toAbsolutePath();
    private static final String SECRET = "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\nOPENAI_API_KEY=sk-live-0123\n";

    private static DistributionServer server;
    private static Path outside;

    @BeforeAll
    static void start() throws Exception {
        server = new DistributionServer("e2e-files");
        Path models = server.home.resolve("models");
        byte[] stories = Files.readAllBytes(MODELS.resolve("stories260K.gguf"));
        Files.write(models.resolve("stories260K.gguf"), stories);
        Files.write(models.resolve("truncated.gguf"), Arrays.copyOf(stories, stories.length - 4096));
        byte[] noise = new byte[50_000];
        new Random(5).nextBytes(noise);
        Files.write(models.resolve("random.gguf"), noise);
        Files.writeString(models.resolve("secret.gguf"), SECRET);
        Path bert = copy(MODELS.resolve("tiny-bert-sentiment"), models.resolve("bert"));
        Path corrupt = copy(bert, models.resolve("corrupt-bert"));
        byte[] onnx = Files.readAllBytes(bert.resolve("onnx/model.onnx"));
        Files.write(corrupt.resolve("onnx/model.onnx"), Arrays.copyOf(onnx, onnx.length / 2));
        // A declaration of the operator's (relative: against the installation folder), not checked at registration.
        Files.writeString(server.home.resolve("etc/dev.modelmanager.model-broken.cfg"),
            "model_type=text_generation\nname=broken\npath=models/truncated.gguf\n");
        outside = Files.createTempDirectory("outside-the-roots");
        Files.writeString(outside.resolve("secret.gguf"), SECRET);
        server.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Path copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    private static HttpResponse<String> register(String id, String type, String path) throws Exception {
        return server.send("POST", "/api/v1/models", """
            {"id": "%s", "requirement": {"model_type": "%s", "name": "x", "path": "%s"}}""".formatted(id, type, path));
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return DistributionServer.json(response).get("error");
    }

    @Test
    void brokenFilesAreRefusedAtRegistrationWith422NamingTheFileAndQuotingNothing() throws Exception {
        Map<List<String>, String> cases = Map.of(
            List.of("text_generation", "truncated.gguf"), "truncated.gguf is truncated",
            List.of("text_generation", "random.gguf"), "random.gguf is not a GGUF file",
            List.of("text_generation", "secret.gguf"), "secret.gguf is not a GGUF file",
            List.of("classification", "corrupt-bert"), "onnx/model.onnx is truncated",
            List.of("embedding", "bert"), "onnx/model.onnx is a classification model");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            HttpResponse<String> response = register("bad", c.getKey().get(0), c.getKey().get(1));
            assertThat(response.statusCode()).as(c.getKey() + ": " + response.body()).isEqualTo(422);
            JsonNode error = error(response);
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_model_file");
            assertThat(error.get("message").asText()).contains(c.getValue()).doesNotContain("root:")
                .doesNotContain("sk-live").doesNotContain("726f6f74").doesNotContainPattern("0x[0-9a-f]{8}")
                .doesNotContain(System.getProperty("user.dir"));
        }
        assertThat(server.get("/api/v1/models/bad").statusCode()).isEqualTo(404);
    }

    @Test
    void pathsOutsideTheModelRootsGetOneAnswerWhetherTheyExistOrNot() throws Exception {
        String answer = null;
        for (String path : List.of(outside.resolve("secret.gguf").toString(), outside.resolve("absent.gguf").toString(),
            "/etc/shadow", "/root", "/no/such/folder", "../../../../etc/passwd", "../secret-elsewhere.gguf")) {
            HttpResponse<String> response = register("probe", "text_generation", path);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(422);
            JsonNode error = error(response);
            assertThat(error.get("code").asText()).isEqualTo("source_not_allowed");
            String withoutPath = error.toString().replace(path, "<path>");
            if (answer == null) {
                answer = withoutPath;
            }
            assertThat(withoutPath).as(path).isEqualTo(answer);
        }
        assertThat(answer).doesNotContain("root:").doesNotContain(System.getProperty("user.dir"))
            .doesNotContain(server.home.toString());
        assertThat(server.get("/api/v1/models/probe").statusCode()).isEqualTo(404);
    }

    @Test
    void aRelativePathIsLookedUpInTheRootsAndKeptAbsolute() throws Exception {
        HttpResponse<String> registered = register("tiny", "text_generation", "stories260K.gguf");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode info = DistributionServer.json(server.get("/api/v1/models/tiny"));
        assertThat(info.get("source").asText()).isEqualTo("path:" + server.home.resolve("models/stories260K.gguf"));
        HttpResponse<String> generated = server.send("POST", "/v1/completions",
            "{\"model\": \"tiny\", \"prompt\": \"Once upon a time\", \"max_tokens\": 8, \"temperature\": 0}");
        assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);
    }

    @Test
    void aBrokenDeclaredFileFailsItsModelWithTheTyped422NotA500() throws Exception {
        JsonNode declared = DistributionServer.json(server.get("/api/v1/models/broken"));
        assertThat(declared.get("source").asText()).as("declared relative to the installation folder")
            .isEqualTo("path:" + server.home.resolve("models/truncated.gguf"));
        for (int call = 0; call < 2; call++) {
            HttpResponse<String> response = server.send("POST", "/v1/completions",
                "{\"model\": \"broken\", \"prompt\": \"Once\", \"max_tokens\": 4}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            assertThat(error(response).get("code").asText()).isEqualTo("invalid_model_file");
            assertThat(error(response).get("message").asText()).contains("truncated.gguf is truncated");
        }
        JsonNode failed = DistributionServer.json(server.get("/api/v1/models/broken"));
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("reason").asText()).contains("truncated.gguf is truncated");
    }
}
