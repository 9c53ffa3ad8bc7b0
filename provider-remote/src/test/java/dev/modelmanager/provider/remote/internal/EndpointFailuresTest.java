package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * What one endpoint does when the server misbehaves: the circuit breaker always settles its trial call, the server's
 * words never carry the key, statuses map to the caller's error codes, a long Retry-After is not slept through,
 * and malformed answers fail naming the field.
 */
class EndpointFailuresTest {
    private static final String KEY = "sk-test-0123456789abcdef";
    private static final String HEADER_SECRET = "tenant-secret-42";
    private static final String GATEWAY_TOKEN = "gw-token-987654321";

    private FakeServer server;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong();

    @BeforeEach
    void start() throws Exception {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RemoteEndpoint endpoint(int retries, int circuitFailures) {
        EndpointSettings s = EndpointSettings.of("e", EndpointSettings.Kind.OPENAI, server.url(), KEY)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withRetries(retries, Duration.ofMillis(10), Duration.ofMillis(40))
            .withCircuit(circuitFailures, Duration.ofSeconds(30));
        s = new EndpointSettings(s.name(), s.kind(), s.baseUrl(), s.apiKey(), s.connectTimeout(), s.readTimeout(),
            s.maxConcurrency(), s.retries(), s.backoff(), s.maxBackoff(), s.circuitFailures(), s.circuitOpen(),
            Map.of("X-Tenant", HEADER_SECRET, "X-Gateway-Authorization", "Bearer " + GATEWAY_TOKEN), s.keepAlive(),
            s.anthropicVersion(), null);
        return new RemoteEndpoint(s, sleeps::add, clock::get);
    }

    private static ModelException thrown(Runnable call) {
        try {
            call.run();
        } catch (ModelException e) {
            return e;
        }
        throw new AssertionError("the call did not fail");
    }

    @Test
    void aTrialCallRefusedForItsRequestClosesTheCircuit() {
        AtomicInteger status = new AtomicInteger(503);
        server.on("GET /v1/models", (r, x) -> json(x, status.get(), "{\"error\": {\"message\": \"down\"}}"));
        RemoteEndpoint e = endpoint(0, 2);
        for (int i = 0; i < 2; i++) {
            assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m")).code()).isEqualTo(ErrorCode.INFERENCE_FAILED);
        }
        assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m"))).hasMessageContaining("fail at once");
        assertThat(server.requests("GET /v1/models")).hasSize(2);

        // After the open period, the trial is a 400: the server answers, so the circuit closes.
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        status.set(400);
        assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m")).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(e.health()).isEqualTo("UP");
        assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m")).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(server.requests("GET /v1/models")).hasSize(4);
    }

    @Test
    void aTrialThatEndsWithoutAnAnswerHandsTheTrialToTheNextCall() {
        CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(30), clock::get);
        breaker.failure("HTTP 500: down");
        assertThat(breaker.admit().refusal()).contains("fail at once");
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        CircuitBreaker.Admission trial = breaker.admit();
        assertThat(trial.isTrial()).isTrue();
        assertThat(breaker.admit().refusal()).as("one trial at a time").contains("trial call");

        breaker.abandon(trial); // e.g. interrupted, or no slot free on the endpoint
        CircuitBreaker.Admission next = breaker.admit();
        assertThat(next.refusal()).isNull();
        assertThat(next.isTrial()).isTrue();
        breaker.abandon(trial); // the first trial's caller, late: the second trial stays the only one
        assertThat(breaker.admit().refusal()).contains("trial call");
        breaker.success();
        breaker.abandon(next); // settled already: nothing changes
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.admit()).isEqualTo(CircuitBreaker.Admission.GO);
    }

    @Test
    void whatTheServerSaysBackIsRedactedOfTheKeyAndHeaderValues() {
        server.on("GET /v1/models", (r, x) -> json(x, 401, "{\"error\": {\"message\": \"Incorrect API key provided: "
            + r.header("Authorization") + " for tenant " + r.header("X-Tenant") + "\"}}"));
        server.on("POST /v1/embeddings", (r, x) -> json(x, 500, "x".repeat(4090) + " proxy: upstream refused key " + KEY
            + " and token " + GATEWAY_TOKEN));
        RemoteEndpoint e = endpoint(0, 5);

        ModelException unauthorized = thrown(() -> e.json("GET", "/v1/models", null, "m"));
        assertThat(server.requests("GET /v1/models").get(0).header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(unauthorized.getMessage()).doesNotContain(KEY).doesNotContain(HEADER_SECRET)
            .contains("Bearer ***").contains("tenant ***").contains("api.key");
        assertThat(unauthorized.field()).isEqualTo("api.key");

        ModelException failed = thrown(() -> e.json("POST", "/v1/embeddings", Map.of("input", "x"), "m"));
        // the key sits across the 4 KiB shown: whole when redacted, so not even its first characters show
        assertThat(failed.getMessage()).doesNotContain(KEY.substring(0, 6)).doesNotContain(GATEWAY_TOKEN);
        assertThat(e.health()).doesNotContain(KEY.substring(0, 6));
        server.on("POST /v1/embeddings", (r, x) -> json(x, 500, "upstream refused token " + GATEWAY_TOKEN));
        assertThat(thrown(() -> e.json("POST", "/v1/embeddings", Map.of("input", "x"), "m")).getMessage())
            .contains("refused token ***").doesNotContain(GATEWAY_TOKEN);
    }

    @Test
    void a408IsRetriedAndEndsAsATimeoutA413AsInvalidInput() {
        AtomicInteger calls = new AtomicInteger();
        server.on("GET /v1/models", (r, x) -> json(x, calls.incrementAndGet() == 1 ? 408 : 413, "{}"));
        RemoteEndpoint e = endpoint(1, 5);
        assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m")).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(calls.get()).as("the 408 was retried").isEqualTo(2);

        server.on("GET /v1/models", (r, x) -> json(x, 408, "{}"));
        assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m")).code()).isEqualTo(ErrorCode.TIMEOUT);
    }

    @Test
    void aRetryAfterLongerThanTheLongestBackoffFailsAtOnceAsOverloaded() {
        server.on("GET /v1/models", (r, x) -> {
            x.getResponseHeaders().set("Retry-After", "120");
            json(x, 429, "{\"error\": {\"message\": \"slow down\"}}");
        });
        RemoteEndpoint e = endpoint(3, 5);
        ModelException busy = thrown(() -> e.json("GET", "/v1/models", null, "m"));
        assertThat(busy.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(busy).hasMessageContaining("retry after 120 s").hasMessageContaining("retry.max.backoff.ms");
        assertThat(sleeps).isEmpty();
        assertThat(server.requests("GET /v1/models")).hasSize(1);

        server.on("GET /v1/models", (r, x) -> {
            x.getResponseHeaders().set("Retry-After", "0.02");
            json(x, 429, "{}");
        });
        assertThat(thrown(() -> e.json("GET", "/v1/models", null, "m")).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(sleeps).containsExactly(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(20));
    }

    @Test
    void malformedEmbeddingAnswersFailNamingTheField() {
        OpenAiProtocol openai = new OpenAiProtocol(endpoint(0, 5));
        String[][] cases = {
            {"{\"object\": \"list\"}", "no 'data' list"},
            {"{\"data\": [{\"index\": 0, \"embedding\": [0.1, 0.2]}]}", "no embedding for input 1 of 2"},
            {"{\"data\": [{\"index\": 0, \"embedding\": [0.1]}, {\"index\": 0, \"embedding\": [0.2]}]}",
                "data[1].index 0 comes twice"},
            {"{\"data\": [{\"index\": 0, \"embedding\": [0.1]}, {\"index\": 1, \"embedding\": [0.2, \"x\"]}]}",
                "data[1].embedding[1] is not a number"},
            {"{\"data\": [{\"index\": 0, \"embedding\": [0.1]}, {\"index\": 7, \"embedding\": [0.2]}]}",
                "data[1].index is 7 for 2 input(s)"},
            {"{\"data\": [{\"index\": 0, \"embedding\": \"AAAA\"}, {\"index\": 1, \"embedding\": [0.2]}]}",
                "data[0].embedding is not a list of numbers"},
        };
        for (String[] c : cases) {
            server.on("POST /v1/embeddings", (r, x) -> json(x, 200, c[0]));
            assertThatThrownBy(() -> openai.embed("m", "model", List.of("a", "b")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INFERENCE_FAILED))
                .hasMessageContaining("malformed answer").hasMessageContaining(c[1]);
        }
        server.on("POST /v1/embeddings", (r, x) -> json(x, 200, "{\"data\": [{\"index\": 1, \"embedding\": [2]},"
            + " {\"index\": 0, \"embedding\": [1, 1.5]}]}"));
        assertThat(openai.embed("m", "model", List.of("a", "b"))).containsExactly(new float[] {1f, 1.5f}, new float[] {2f});
    }

    @Test
    void anErrorEventMidStreamFailsWithTheServersWordsRedacted() {
        server.on("POST /v1/chat/completions", (r, x) -> FakeServer.sse(x,
            "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"Hi\"}}]}",
            "event: error\ndata: {\"message\": \"upstream rejected " + KEY + "\"}"));
        OpenAiProtocol openai = new OpenAiProtocol(endpoint(0, 5));
        assertThatThrownBy(() -> openai.chat("m", "model", List.of(dev.modelmanager.api.ChatMessage.user("hello")),
            dev.modelmanager.api.GenerationOptions.DEFAULTS, piece -> true))
            .isInstanceOf(ModelException.class).hasMessageContaining("failed mid-answer: upstream rejected ***")
            .hasMessageNotContaining(KEY);
    }

    @Test
    void aBaseUrlWithCredentialsOrAQueryIsRefusedWithoutRepeatingThem() {
        for (String url : List.of("https://user:hunter2secret@api.example.com/v1",
            "https://api.example.com/v1?key=hunter2secret", "https://api.example.com/v1#hunter2secret")) {
            assertThatThrownBy(() -> EndpointSettings.of("e", EndpointSettings.Kind.OPENAI, url, null))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("base.url"))
                .hasMessageContaining("https://api.example.com/v1").hasMessageNotContaining("hunter2secret");
        }
        assertThatThrownBy(() -> EndpointSettings.of("e", EndpointSettings.Kind.OPENAI, "http://host/a b?k=hunter2secret",
            null)).isInstanceOf(ModelException.class).hasMessageContaining("is not a URL")
            .hasMessageNotContaining("hunter2secret");
        assertThatThrownBy(() -> EnvironmentEndpoints.from(Map.of(EnvironmentEndpoints.LLAMA_CPP_URL,
            "http://u:hunter2secret@127.0.0.1:8080")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field())
                .isEqualTo(EnvironmentEndpoints.LLAMA_CPP_URL)).hasMessageNotContaining("hunter2secret");
        assertThat(EndpointSettings.shown(URI.create("http://127.0.0.1:8080/v1/"))).isEqualTo("http://127.0.0.1:8080/v1/");
    }
}
