package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.json;
import static dev.modelmanager.provider.remote.internal.FakeServer.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.sun.net.httpserver.HttpExchange;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;

/**
 * The same failures for every wire format: 429 with Retry-After, a server that hangs before answering, one that
 * goes silent half way through a stream, and one that closes the stream half way.
 */
class ProtocolReliabilityTest {
    private FakeServer server;
    private ModelManagerImpl manager;
    private RemoteProvider provider;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = new FakeServer();
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work")));
        provider = new RemoteProvider();
        manager.bindProvider(provider, Map.of("service.id", 1L));
    }

    @AfterEach
    void stop() {
        release.countDown();
        manager.close();
        provider.deactivate();
        server.close();
    }

    /** How each kind streams a chat answer, and where. */
    private static String chatPath(EndpointSettings.Kind kind) {
        return switch (kind) {
            case OPENAI -> "POST /v1/chat/completions";
            case OLLAMA -> "POST /api/chat";
            case ANTHROPIC -> "POST /v1/messages";
            default -> throw new IllegalArgumentException(kind + " does not stream chat");
        };
    }

    private static String firstPiece(EndpointSettings.Kind kind) {
        return switch (kind) {
            case OPENAI -> "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"Hi\"}}]}\n";
            case OLLAMA -> "{\"message\": {\"role\": \"assistant\", \"content\": \"Hi\"}, \"done\": false}";
            case ANTHROPIC -> "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": "
                + "{\"type\": \"text_delta\", \"text\": \"Hi\"}}\n";
            default -> throw new IllegalArgumentException(kind + " does not stream chat");
        };
    }

    private static String end(EndpointSettings.Kind kind) {
        return switch (kind) {
            case OPENAI -> "data: [DONE]\n";
            case OLLAMA -> "{\"message\": {\"role\": \"assistant\", \"content\": \"\"}, \"done\": true, "
                + "\"done_reason\": \"stop\"}";
            case ANTHROPIC -> "event: message_stop\ndata: {\"type\": \"message_stop\"}\n";
            default -> throw new IllegalArgumentException(kind + " does not stream chat");
        };
    }

    private static String contentType(EndpointSettings.Kind kind) {
        return kind == EndpointSettings.Kind.OLLAMA ? "application/x-ndjson" : "text/event-stream";
    }

    private void discovery() {
        server.on("GET /v1/models", (r, x) -> json(x, 200, "{\"data\": [{\"id\": \"m\"}]}"))
            .on("GET /api/tags", (r, x) -> json(x, 200, "{\"models\": [{\"name\": \"m\"}]}"))
            .on("GET /api/ps", (r, x) -> json(x, 200, "{\"models\": []}"))
            .on("POST /api/generate", (r, x) -> json(x, 200, "{\"done\": true}"));
    }

    private void register(EndpointSettings.Kind kind, Duration readTimeout) {
        EndpointSettings settings = EndpointSettings.of("e", kind, server.url(), "key")
            .withTimeouts(Duration.ofSeconds(2), readTimeout).withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50))
            .withCircuit(100, Duration.ofSeconds(1));
        provider.add(new RemoteEndpoint(settings, sleeps::add));
        manager.register("chat", ModelRequirement.builder(ModelType.TEXT_GENERATION, "m")
            .source(new ModelSource.Remote("e", "m")).build(), "t");
    }

    private String chat() {
        return manager.chat("chat", List.of(ChatMessage.user("hello")), GenerationOptions.DEFAULTS).text();
    }

    private static void write(HttpExchange x, OutputStream out, String... events) throws Exception {
        for (String event : events) {
            line(out, event);
        }
    }

    @ParameterizedTest
    @EnumSource(value = EndpointSettings.Kind.class, names = {"OPENAI", "OLLAMA", "ANTHROPIC"})
    void tooManyRequestsWaitsAsToldThenSucceeds(EndpointSettings.Kind kind) throws Exception {
        discovery();
        AtomicInteger calls = new AtomicInteger();
        server.on(chatPath(kind), (r, x) -> {
            if (calls.incrementAndGet() == 1) {
                // within the endpoint's longest backoff (50 ms): a longer wait fails at once (EndpointFailuresTest)
                x.getResponseHeaders().set("Retry-After", "0.04");
                json(x, 429, "{\"error\": {\"type\": \"rate_limit_error\", \"message\": \"slow down\"}}");
                return;
            }
            OutputStream out = FakeServer.stream(x, contentType(kind));
            write(x, out, firstPiece(kind), end(kind));
            out.close();
        });
        register(kind, Duration.ofSeconds(10));
        assertThat(chat()).isEqualTo("Hi");
        assertThat(sleeps).containsExactly(Duration.ofMillis(40));
        assertThat(calls.get()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = EndpointSettings.Kind.class, names = {"OPENAI", "OLLAMA", "ANTHROPIC"})
    void aServerThatHangsBeforeAnsweringTimesOut(EndpointSettings.Kind kind) {
        discovery();
        server.on(chatPath(kind), (r, x) -> release.await(30, TimeUnit.SECONDS));
        register(kind, Duration.ofMillis(500));
        assertThatThrownBy(this::chat).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
    }

    @ParameterizedTest
    @EnumSource(value = EndpointSettings.Kind.class, names = {"OPENAI", "OLLAMA", "ANTHROPIC"})
    void aStreamThatGoesSilentHalfWayTimesOut(EndpointSettings.Kind kind) {
        discovery();
        server.on(chatPath(kind), (r, x) -> {
            OutputStream out = FakeServer.stream(x, contentType(kind));
            write(x, out, firstPiece(kind));
            release.await(30, TimeUnit.SECONDS);
        });
        register(kind, Duration.ofMillis(600));
        assertThatThrownBy(this::chat).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("sent nothing for");
        });
    }

    @ParameterizedTest
    @EnumSource(value = EndpointSettings.Kind.class, names = {"OPENAI", "OLLAMA", "ANTHROPIC"})
    void aStreamClosedHalfWayIsAnErrorNotAShortAnswer(EndpointSettings.Kind kind) {
        discovery();
        server.on(chatPath(kind), (r, x) -> {
            OutputStream out = FakeServer.stream(x, contentType(kind));
            write(x, out, firstPiece(kind));
            out.close();
        });
        register(kind, Duration.ofSeconds(5));
        assertThatThrownBy(this::chat).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INFERENCE_FAILED);
            assertThat(e.getMessage()).contains("closed the stream before the answer was complete");
        });
    }
}
