package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * {@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}/{@code CLAUDE_API_KEY} and {@code LLAMA_CPP_BASE_URL} declare
 * endpoints; a configuration of the same name wins, and the environment's endpoint is back when it goes.
 */
class EnvironmentEndpointsTest {
    private RemoteFixture fixture;
    private FakeServer server;
    private ModelManagerImpl manager;
    private RemoteProvider provider;

    @BeforeEach
    void start() throws Exception {
        fixture = new RemoteFixture();
        server = fixture.server;
        manager = fixture.manager;
        provider = fixture.provider;
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void eachVariableDeclaresItsServiceWithItsOwnKey() {
        List<EndpointSettings> endpoints = EnvironmentEndpoints.from(Map.of("OPENAI_API_KEY", "sk-o",
            "CLAUDE_API_KEY", "sk-ant-c", "LLAMA_CPP_BASE_URL", "http://127.0.0.1:8081/", "UNRELATED", "x"));
        assertThat(endpoints).extracting(EndpointSettings::name).containsExactly("openai", "anthropic", "llama-server");
        assertThat(endpoints.get(0).baseUrl()).hasToString("https://api.openai.com");
        assertThat(endpoints.get(0).apiKey()).isEqualTo("sk-o");
        assertThat(endpoints.get(1).kind()).isEqualTo(EndpointSettings.Kind.ANTHROPIC);
        assertThat(endpoints.get(1).apiKey()).isEqualTo("sk-ant-c");
        assertThat(endpoints.get(2).apiKey()).as("no key travels to the llama.cpp server").isNull();
        assertThat(endpoints.get(2).baseUrl()).hasToString("http://127.0.0.1:8081");
        assertThat(EnvironmentEndpoints.from(Map.of("ANTHROPIC_API_KEY", "a", "CLAUDE_API_KEY", "c")).get(0).apiKey())
            .as("the SDKs' name wins").isEqualTo("a");
        assertThat(EnvironmentEndpoints.from(Map.of("OPENAI_API_KEY", " "))).as("empty means unset").isEmpty();
        assertThatThrownBy(() -> EnvironmentEndpoints.from(Map.of("LLAMA_CPP_BASE_URL", "localhost:8080")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.getMessage())
                .contains("LLAMA_CPP_BASE_URL").contains("localhost:8080"));
    }

    @Test
    void llamaCppBaseUrlServesModelsAndAConfigurationOfTheSameNameWins() throws Exception {
        server.on("GET /v1/models", (r, x) -> json(x, 200, "{\"data\": [{\"id\": \"m\"}]}"))
            .on("POST /v1/embeddings", (r, x) -> json(x, 200,
                "{\"data\": [{\"index\": 0, \"embedding\": [0.25, 0.5]}], \"usage\": {\"prompt_tokens\": 1}}"));
        provider.environment(Map.of("LLAMA_CPP_BASE_URL", server.url()));
        manager.register("e", ModelRequirement.builder(ModelType.EMBEDDING, "m")
            .source(new ModelSource.Remote("llama-server", "m")).build(), "t");
        assertThat(manager.embed("e", List.of("a")).vectors().get(0)).containsExactly(0.25f, 0.5f);

        // A configuration declaring llama-server elsewhere replaces it; when it goes, the environment's is back
        // (a loaded model keeps the endpoint it loaded with: unloaded, it loads again against the current one).
        FakeServer other = new FakeServer();
        try {
            other.on("GET /v1/models", (r, x) -> json(x, 200, "{\"data\": [{\"id\": \"m\"}]}"))
                .on("POST /v1/embeddings", (r, x) -> json(x, 200,
                    "{\"data\": [{\"index\": 0, \"embedding\": [1.0, 2.0]}], \"usage\": {\"prompt_tokens\": 1}}"));
            EndpointComponent configured = new EndpointComponent(config("llama-server", other.url()),
                Map.of("service.pid", "dev.modelmanager.remote.endpoint.x"), null, null);
            provider.bindEndpoint(configured);
            manager.unload("e");
            assertThat(manager.embed("e", List.of("b")).vectors().get(0)).containsExactly(1f, 2f);
            provider.unbindEndpoint(configured);
            manager.unload("e");
            assertThat(manager.embed("e", List.of("c")).vectors().get(0)).containsExactly(0.25f, 0.5f);
        } finally {
            other.close();
        }
    }

    @Test
    void theEnvironmentDoesNotReplaceAConfiguredEndpoint() {
        EndpointComponent configured = new EndpointComponent(config("openai", server.url()),
            Map.of("service.pid", "dev.modelmanager.remote.endpoint.y"), null, null);
        provider.bindEndpoint(configured);
        provider.environment(Map.of("OPENAI_API_KEY", "sk-env"));
        server.on("GET /v1/models", (r, x) -> json(x, 200, "{\"data\": [{\"id\": \"m\"}]}"))
            .on("POST /v1/embeddings", (r, x) -> json(x, 200,
                "{\"data\": [{\"index\": 0, \"embedding\": [3.0]}], \"usage\": {\"prompt_tokens\": 1}}"));
        manager.register("e", ModelRequirement.builder(ModelType.EMBEDDING, "m")
            .source(new ModelSource.Remote("openai", "m")).build(), "t");
        assertThat(manager.embed("e", List.of("a")).vectors().get(0)).containsExactly(3f);
        assertThat(server.requests("POST /v1/embeddings").get(0).header("Authorization"))
            .as("the environment's key is not sent to the configured endpoint").isNull();
    }

    @Test
    void refreshAsksEveryEndpointNowAndNamesThoseThatCannotAnswer() {
        server.on("GET /v1/models", (r, x) -> json(x, 200, "{\"data\": [{\"id\": \"chat-m\"}]}"));
        provider.add(new RemoteEndpoint(EndpointSettings.of("up", EndpointSettings.Kind.OPENAI, server.url(), null)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).withRetries(0, Duration.ofMillis(1),
                Duration.ofMillis(1))));
        provider.add(new RemoteEndpoint(EndpointSettings.of("down", EndpointSettings.Kind.OPENAI,
            "http://127.0.0.1:9", null).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1))));
        Map<String, String> failures = provider.refresh();
        assertThat(failures).containsOnlyKeys("endpoint:down");
        assertThat(provider.entries()).extracting(dev.modelmanager.api.CatalogEntry::name).containsExactly("chat-m");
    }

    private static EndpointConfig config(String name, String url) {
        return new EndpointConfig() {
            @Override public Class<? extends java.lang.annotation.Annotation> annotationType() { return EndpointConfig.class; }
            @Override public String name() { return name; }
            @Override public String kind() { return "openai"; }
            @Override public String base_url() { return url; }
            @Override public String api_key() { return ""; }
            @Override public String api_key_file() { return ""; }
            @Override public String api_key_env() { return ""; }
            @Override public long connect_timeout_ms() { return 1000; }
            @Override public long read_timeout_seconds() { return 10; }
            @Override public int max_concurrency() { return 2; }
            @Override public int retries() { return 0; }
            @Override public long retry_backoff_ms() { return 10; }
            @Override public long retry_max_backoff_ms() { return 100; }
            @Override public int circuit_failures() { return 3; }
            @Override public long circuit_open_seconds() { return 5; }
            @Override public String[] headers() { return new String[0]; }
            @Override public String[] header_files() { return new String[0]; }
            @Override public String[] header_env() { return new String[0]; }
            @Override public long keep_alive_minutes() { return 5; }
            @Override public String anthropic_version() { return "2023-06-01"; }
            @Override public String[] response_formats() { return new String[0]; }
        };
    }
}
