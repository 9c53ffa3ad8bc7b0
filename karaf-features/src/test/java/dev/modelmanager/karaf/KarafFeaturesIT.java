package dev.modelmanager.karaf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The features repository in a real Apache Karaf 4.4: added by its mvn: URL, the manager, REST and the djl provider
 * installed, a declared MiniLM model loaded from the LangChain4j jar in the local Maven repository, an embedding
 * over HTTP that matches the reference vector, then the features uninstalled without a project bundle left behind.
 * Karaf resolves every mvn: URL from its own system/ folder, the build's target/karaf-repo and the local
 * repository; it has no remote repository.
 */
class KarafFeaturesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final List<String> PROJECT_BUNDLES = List.of("dev.modelmanager.api", "dev.modelmanager.core",
        "dev.modelmanager.rest", "dev.modelmanager.provider.djl");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void installsServesAnEmbeddingAndUninstallsCleanly() throws Exception {
        Path build = Path.of(property("karaf.repo")).getParent();
        try (KarafInstance karaf = KarafInstance.prepare(Path.of(property("karaf.home")), build.resolve("karaf-it"),
                List.of(Path.of(property("karaf.repo"))), Path.of(property("maven.local.repository")))) {
            try {
                run(karaf);
            } catch (Throwable failure) {
                System.err.println("---- data/log/karaf.log (end) ----\n" + karaf.logTail(200));
                throw failure;
            }
        }
    }

    private void run(KarafInstance karaf) throws Exception {
        long start = System.nanoTime();
        karaf.start(Duration.ofSeconds(90));
        log("Karaf ready", start);
        List<String> booted = karaf.bundles();

        // A declared model, as the distribution's etc/dev.modelmanager.model-minilm.cfg, from the local repository.
        Path jar = Path.of(property("minilm.jar"));
        assertThat(jar).exists();
        karaf.write("etc/dev.modelmanager.model-minilm.cfg", String.join("\n",
            "model_type=embedding",
            "name=sentence-transformers/all-MiniLM-L6-v2",
            "dimension=384",
            "jar=" + jar,
            "resources=onnx/model.onnx=all-minilm-l6-v2-q.onnx,tokenizer.json=all-minilm-l6-v2-q-tokenizer.json",
            "preload_workers=1", ""));

        KarafInstance.Output installed = karaf.client(COMMAND, "feature:repo-add " + property("features.url"),
            "feature:install modelmanager-rest modelmanager-provider-djl", "feature:list -i");
        assertThat(installed.failed()).as("feature:install: %s", installed.text()).isFalse();
        assertThat(installed.text()).contains("modelmanager-api", "modelmanager-core", "modelmanager-http",
            "modelmanager-rest", "modelmanager-provider-djl").doesNotContain("modelmanager-provider-llamacpp");
        List<String> bundles = karaf.bundles();
        assertThat(bundles).contains(PROJECT_BUNDLES.stream().map(b -> "Active " + b).toArray(String[]::new))
            .contains("Active org.apache.felix.http.jetty12", "Active org.apache.felix.scr");
        log("features installed", start);

        JsonNode model = waitForLoaded(karaf, "minilm", Duration.ofSeconds(60));
        assertThat(model.get("provider").asText()).isEqualTo("djl");
        log("minilm loaded", start);

        JsonNode reference = JSON.readTree(Path.of(property("shared.models"), "reference", "all-minilm-l6-v2-q.json")
            .toFile()).get(0);
        HttpResponse<String> embedded = post(karaf, "/v1/embeddings",
            JSON.createObjectNode().put("model", "minilm").put("input", reference.get("input").asText()).toString());
        assertThat(embedded.statusCode()).as(embedded.body()).isEqualTo(200);
        JsonNode vector = JSON.readTree(embedded.body()).get("data").get(0).get("embedding");
        assertThat(vector.size()).isEqualTo(384);
        assertThat(cosine(vector, reference.get("embedding"))).as("cosine to the reference vector")
            .isGreaterThan(0.995);
        log("embedded", start);

        // The model:* commands are in Karaf's shell.
        KarafInstance.Output listed = karaf.shell(COMMAND, "model:list");
        assertThat(listed.text()).as(listed.text()).containsPattern("minilm\\s+embedding\\s+LOADED\\s+1\\s+djl");

        uninstall(karaf, "modelmanager-rest modelmanager-provider-djl", booted);
        log("features uninstalled", start);

        // The whole set: the llama.cpp and remote providers resolve and start too, and leave as cleanly.
        KarafInstance.Output whole = karaf.client(COMMAND, "feature:install modelmanager");
        assertThat(whole.failed()).as("feature:install modelmanager: %s", whole.text()).isFalse();
        assertThat(karaf.bundles()).contains("Active dev.modelmanager.provider.llamacpp",
            "Active dev.modelmanager.provider.remote", "Active dev.modelmanager.rest",
            "Active dev.modelmanager.device.nvidia");
        JsonNode providers = waitForProviders(karaf, 3, Duration.ofSeconds(30));
        assertThat(providers.findValuesAsText("name")).containsExactlyInAnyOrder("djl", "llamacpp", "remote");
        uninstall(karaf, "modelmanager", booted);
        log("modelmanager installed and uninstalled", start);

        karaf.close();
        assertThat(karaf.isRunning()).isFalse();
        log("Karaf stopped", start);
    }

    /**
     * Uninstalls the features and checks that no bundle of the project or of the HTTP feature is left: Karaf holds
     * the bundles it booted with, no more.
     */
    private void uninstall(KarafInstance karaf, String features, List<String> booted) throws Exception {
        KarafInstance.Output removed = karaf.client(COMMAND, "feature:uninstall " + features);
        assertThat(removed.failed()).as("feature:uninstall %s: %s", features, removed.text()).isFalse();
        assertThat(karaf.bundles()).isNotEmpty()
            .noneMatch(b -> b.contains(" dev.modelmanager."))
            .noneMatch(b -> b.endsWith(" org.apache.felix.http.jetty12"))
            .containsExactlyInAnyOrderElementsOf(booted);
        assertThatThrownBy(() -> get(karaf, "/health/ready")).as("the HTTP port is closed")
            .isInstanceOf(ConnectException.class);
    }

    /** Polls GET /api/v1/providers until it lists this many providers (they register as their bundles start). */
    private JsonNode waitForProviders(KarafInstance karaf, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get(karaf, "/api/v1/providers");
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200) {
                    JsonNode providers = JSON.readTree(response.body()).get("providers");
                    if (providers.size() >= count) {
                        return providers;
                    }
                }
            } catch (ConnectException notYet) {
                last = "connection refused";
            }
            Thread.sleep(250);
        }
        throw new AssertionError(count + " providers not listed within " + timeout + "; last answer: " + last);
    }

    /** Polls the management API until the model is LOADED; FAILED ends the wait with its reason. */
    private JsonNode waitForLoaded(KarafInstance karaf, String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get(karaf, "/api/v1/models/" + id);
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200) {
                    JsonNode model = JSON.readTree(response.body());
                    String status = model.get("status").asText();
                    assertThat(status).as("model %s: %s", id, last).isNotEqualTo("FAILED");
                    if (status.equals("LOADED")) {
                        return model;
                    }
                }
            } catch (ConnectException notYet) {
                last = "connection refused";
            }
            Thread.sleep(250);
        }
        throw new AssertionError(id + " not LOADED within " + timeout + "; last answer: " + last);
    }

    private HttpResponse<String> get(KarafInstance karaf, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(karaf, path)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(KarafInstance karaf, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(karaf, path)).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(KarafInstance karaf, String path) {
        return URI.create("http://127.0.0.1:" + karaf.httpPort() + path);
    }

    private static double cosine(JsonNode a, JsonNode b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i).asDouble();
            double y = b.get(i).asDouble();
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property %s (set by failsafe)", name).isNotBlank();
        return value;
    }

    private static void log(String step, long start) {
        System.out.printf("KarafFeaturesIT: %s after %.1f s%n", step, (System.nanoTime() - start) / 1e9);
    }
}
