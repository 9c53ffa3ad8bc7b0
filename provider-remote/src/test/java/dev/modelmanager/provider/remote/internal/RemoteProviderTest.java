package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.json;
import static dev.modelmanager.provider.remote.internal.FakeServer.line;
import static dev.modelmanager.provider.remote.internal.FakeServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ModelManagerImpl;

/** The three protocols and the reliability rules, against local servers that follow the documented wire formats. */
class RemoteProviderTest {
    private RemoteFixture fixture;
    private FakeServer server;
    private ModelManagerImpl manager;
    private RemoteProvider provider;
    private List<Duration> sleeps;

    @BeforeEach
    void start() throws Exception {
        fixture = new RemoteFixture();
        server = fixture.server;
        manager = fixture.manager;
        provider = fixture.provider;
        sleeps = fixture.sleeps;
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private RemoteEndpoint endpoint(EndpointSettings settings) {
        RemoteEndpoint endpoint = new RemoteEndpoint(settings, sleeps::add);
        provider.add(endpoint);
        return endpoint;
    }

    private RemoteEndpoint endpoint(String name, EndpointSettings.Kind kind, String key) {
        return endpoint(EndpointSettings.of(name, kind, server.url(), key));
    }

    private static ModelRequirement remote(ModelType type, String endpoint, String model) {
        return ModelRequirement.builder(type, model).source(new ModelSource.Remote(endpoint, model)).build();
    }

    private static List<String> collect(Flow.Publisher<GenerationChunk> publisher, int cancelAfter) throws Exception {
        List<String> pieces = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        publisher.subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(GenerationChunk item) {
                pieces.add(item.text());
                if (cancelAfter > 0 && pieces.size() >= cancelAfter) {
                    subscription.cancel();
                    done.countDown();
                } else {
                    subscription.request(1);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        return pieces;
    }

    // ------------------------------------------------------------------ OpenAI-compatible

    private void openAiServer() {
        server.on("GET /v1/models", (r, x) -> json(x, 200, "{\"object\": \"list\", \"data\": [{\"id\": \"chat-m\"}, "
            + "{\"id\": \"embed-m\"}]}"))
            .on("POST /v1/embeddings", (r, x) -> {
                int n = r.json().path("input").size();
                StringBuilder data = new StringBuilder();
                for (int i = n - 1; i >= 0; i--) { // out of order on purpose: the index decides
                    data.append(data.length() == 0 ? "" : ",").append("{\"object\": \"embedding\", \"index\": ").append(i)
                        .append(", \"embedding\": [").append(i).append(".5, 1.0, -1.0]}");
                }
                json(x, 200, "{\"object\": \"list\", \"data\": [" + data + "], \"usage\": {\"prompt_tokens\": 3}}");
            })
            .on("POST /v1/chat/completions", (r, x) -> sse(x,
                "data: {\"choices\": [{\"index\": 0, \"delta\": {\"role\": \"assistant\", \"content\": \"Hel\"}}]}",
                "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"lo\"}, \"finish_reason\": null}]}",
                "data: {\"choices\": [{\"index\": 0, \"delta\": {}, \"finish_reason\": \"length\"}]}",
                "data: {\"choices\": [], \"usage\": {\"prompt_tokens\": 7, \"completion_tokens\": 2, "
                    + "\"prompt_tokens_details\": {\"cached_tokens\": 4}}}",
                "data: [DONE]"))
            .on("POST /v1/completions", (r, x) -> sse(x,
                "data: {\"choices\": [{\"index\": 0, \"text\": \" upon\"}]}",
                "data: {\"choices\": [{\"index\": 0, \"text\": \" a time\", \"finish_reason\": \"stop\"}]}",
                "data: [DONE]"));
    }

    @Test
    void openAiCompatibleEmbeddingsChatCompletionsAndDiscovery() throws Exception {
        openAiServer();
        endpoint("vllm", EndpointSettings.Kind.OPENAI, "sk-secret");
        manager.register("e", remote(ModelType.EMBEDDING, "vllm", "embed-m"), "t");
        dev.modelmanager.api.EmbeddingResult embedded = manager.embed("e", List.of("a", "b"));
        List<float[]> vectors = embedded.vectors();
        // usage.prompt_tokens counts the whole call: the call's total, no text's own, truncation unknown.
        assertThat(embedded.totalTokens()).isEqualTo(3);
        assertThat(embedded.embeddings()).extracting(dev.modelmanager.api.Embedding::tokens)
            .containsOnly(dev.modelmanager.api.Embedding.UNKNOWN);
        assertThat(embedded.truncationKnown()).isFalse();
        assertThat(vectors.get(0)).containsExactly(0.5f, 1f, -1f);
        assertThat(vectors.get(1)).containsExactly(1.5f, 1f, -1f);
        assertThat(manager.info("e").device()).isEqualTo("remote:vllm");
        assertThat(manager.info("e").memoryBytes()).isZero();
        assertThat(manager.info("e").details()).containsEntry("endpoint.health", "UP").containsEntry("remote.model", "embed-m");

        manager.register("c", remote(ModelType.TEXT_GENERATION, "vllm", "chat-m"), "t");
        GenerationResult chat = manager.chat("c", List.of(ChatMessage.system("be brief"), ChatMessage.user("hi")),
            GenerationOptions.builder().maxOutputLength(2).temperature(0.0).build());
        assertThat(chat.text()).isEqualTo("Hello");
        assertThat(chat.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(chat.usage().promptTokens()).isEqualTo(7);
        assertThat(chat.usage().cachedPromptTokens()).isEqualTo(4);
        assertThat(chat.usage().completionTokens()).isEqualTo(2);
        FakeServer.Request sent = server.requests("POST /v1/chat/completions").get(0);
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-secret");
        assertThat(sent.json().path("stream").asBoolean()).isTrue();
        assertThat(sent.json().path("max_tokens").asInt()).isEqualTo(2);
        assertThat(sent.json().path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(collect(manager.streamChat("c", List.of(ChatMessage.user("hi")), GenerationOptions.DEFAULTS), 0))
            .containsExactly("Hel", "lo", "");
        assertThat(manager.generate("c", "Once", GenerationOptions.DEFAULTS).text()).isEqualTo(" upon a time");

        // What the endpoint serves appears in the catalog (discovered in the background, kept for a while).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (provider.entries().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(provider.entries()).extracting(dev.modelmanager.api.CatalogEntry::name)
            .containsExactlyInAnyOrder("chat-m", "embed-m");
        assertThat(provider.entries()).filteredOn(e -> e.name().equals("embed-m")).singleElement()
            .satisfies(e -> {
                assertThat(e.modelType()).isEqualTo(ModelType.EMBEDDING);
                assertThat(e.origin()).isEqualTo("endpoint:vllm");
                assertThat(e.metadata()).containsEntry("type_guessed", "true");
            });
        dev.modelmanager.core.internal.catalog.CatalogService catalog = new dev.modelmanager.core.internal.catalog.CatalogService();
        catalog.bindSource(provider);
        assertThat(catalog.find("chat-m")).map(dev.modelmanager.api.CatalogEntry::provider).contains("vllm");

        manager.register("nope", remote(ModelType.TEXT_GENERATION, "vllm", "missing-m"), "t");
        assertThatThrownBy(() -> manager.generate("nope", "x", GenerationOptions.DEFAULTS))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(e.getMessage()).contains("has no model 'missing-m'").contains("chat-m, embed-m");
            });
    }

    @Test
    void aModelNamingAnUnknownEndpointWaitsWithTheReason() {
        manager.register("x", remote(ModelType.TEXT_GENERATION, "nowhere", "m"), "t");
        assertThat(manager.info("x").status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        assertThat(manager.info("x").reason()).contains("no endpoint named 'nowhere' is configured");
    }

    // ------------------------------------------------------------------ Ollama

    @Test
    void ollamaLoadsChatsGeneratesEmbedsUnloadsAndKeepsPinnedModelsAlive() throws Exception {
        AtomicInteger keepAlives = new AtomicInteger();
        server.on("GET /api/tags", (r, x) -> json(x, 200, "{\"models\": [{\"name\": \"llama3.2:latest\"}, "
            + "{\"name\": \"nomic-embed-text:latest\"}]}"))
            .on("GET /api/ps", (r, x) -> json(x, 200, "{\"models\": [{\"name\": \"llama3.2:latest\", "
                + "\"expires_at\": \"2026-11-23T12:00:00Z\"}]}"))
            .on("POST /api/generate", (r, x) -> {
                if (!r.json().has("prompt")) {
                    if (!"0".equals(r.json().path("keep_alive").asText())) {
                        keepAlives.incrementAndGet();
                    }
                    json(x, 200, "{\"model\": \"llama3.2\", \"response\": \"\", \"done\": true, \"done_reason\": \"load\"}");
                    return;
                }
                OutputStream out = FakeServer.stream(x, "application/x-ndjson");
                line(out, "{\"response\": \"The\", \"done\": false}");
                line(out, "{\"response\": \" sky\", \"done\": false}");
                line(out, "{\"response\": \"\", \"done\": true, \"done_reason\": \"length\", \"prompt_eval_count\": 5, "
                    + "\"eval_count\": 2}");
                out.close();
            })
            .on("POST /api/chat", (r, x) -> {
                OutputStream out = FakeServer.stream(x, "application/x-ndjson");
                line(out, "{\"message\": {\"role\": \"assistant\", \"content\": \"Hi\"}, \"done\": false}");
                line(out, "{\"message\": {\"role\": \"assistant\", \"content\": \" there\"}, \"done\": false}");
                line(out, "{\"message\": {\"role\": \"assistant\", \"content\": \"\"}, \"done\": true, "
                    + "\"done_reason\": \"stop\", \"prompt_eval_count\": 4, \"eval_count\": 2}");
                out.close();
            })
            .on("POST /api/embed", (r, x) -> json(x, 200, "{\"model\": \"nomic-embed-text\", \"embeddings\": ["
                + "[0.1, 0.2]" + ",[0.3, 0.4]".repeat(r.json().path("input").size() - 1) + "], "
                + "\"prompt_eval_count\": " + 2 * r.json().path("input").size() + "}"));
        endpoint(new EndpointSettings("ollama", EndpointSettings.Kind.OLLAMA, URI.create(server.url()), null,
            Duration.ofSeconds(5), Duration.ofSeconds(30), 4, 3, Duration.ofMillis(100), Duration.ofSeconds(1), 5,
            Duration.ofSeconds(30), Map.of(), Duration.ofSeconds(2), "2023-06-01", null));

        manager.register("chat", remote(ModelType.TEXT_GENERATION, "ollama", "llama3.2").toBuilder().pinned(true)
            .build(), "t");
        manager.load("chat", Duration.ofSeconds(10));
        assertThat(server.requests("POST /api/generate").get(0).json().path("keep_alive").asText()).isEqualTo("2s");
        assertThat(manager.info("chat").details()).containsEntry("ollama.expires_at", "2026-11-23T12:00:00Z");
        GenerationResult chat = manager.chat("chat", List.of(ChatMessage.user("hello")), GenerationOptions.builder()
            .temperature(0.2).maxOutputLength(8).build());
        assertThat(chat.text()).isEqualTo("Hi there");
        assertThat(chat.usage().promptTokens()).isEqualTo(4);
        assertThat(server.requests("POST /api/chat").get(0).json().path("options").path("num_predict").asInt())
            .isEqualTo(8);
        GenerationResult generated = manager.generate("chat", "Why is the sky blue?", GenerationOptions.DEFAULTS);
        assertThat(generated.text()).isEqualTo("The sky");
        assertThat(generated.finishReason()).isEqualTo(FinishReason.LENGTH);
        // Pinned: pinged before the server's keep-alive (2 s here) runs out.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (keepAlives.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(keepAlives.get()).as("load + keep-alive pings").isGreaterThanOrEqualTo(3);

        manager.register("emb", remote(ModelType.EMBEDDING, "ollama", "nomic-embed-text"), "t");
        dev.modelmanager.api.EmbeddingResult ollama = manager.embed("emb", List.of("a", "b"));
        assertThat(ollama.vectors().get(1)).containsExactly(0.3f, 0.4f);
        assertThat(ollama.totalTokens()).as("prompt_eval_count").isEqualTo(4);
        assertThat(manager.embed("emb", List.of("c")).embeddings().get(0).tokens()).as("one text's own").isEqualTo(2);

        assertThat(manager.unload("chat")).isTrue();
        assertThat(server.requests("POST /api/generate").stream()
            .anyMatch(r -> r.json().path("keep_alive").asText().equals("0"))).as("unloaded with keep_alive 0").isTrue();
    }

    // ------------------------------------------------------------------ Anthropic

    @Test
    void anthropicMessagesStreamWithTheirEventsAndHeaders() {
        server.on("POST /v1/messages", (r, x) -> sse(x,
            "event: message_start\ndata: {\"type\": \"message_start\", \"message\": {\"usage\": {\"input_tokens\": 12, "
                + "\"cache_read_input_tokens\": 30, \"cache_creation_input_tokens\": 5}}}",
            "event: content_block_start\ndata: {\"type\": \"content_block_start\", \"index\": 0}",
            "event: ping\ndata: {\"type\": \"ping\"}",
            "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": {\"type\": \"text_delta\", "
                + "\"text\": \"Bonjour\"}}",
            "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": {\"type\": \"text_delta\", "
                + "\"text\": \" !\"}}",
            "event: message_delta\ndata: {\"type\": \"message_delta\", \"delta\": {\"stop_reason\": \"end_turn\"}, "
                + "\"usage\": {\"output_tokens\": 3}}",
            "event: message_stop\ndata: {\"type\": \"message_stop\"}"));
        endpoint("claude", EndpointSettings.Kind.ANTHROPIC, "sk-ant-secret");
        manager.register("claude", remote(ModelType.TEXT_GENERATION, "claude", "claude-sonnet-4"), "t");
        GenerationResult r = manager.chat("claude", List.of(ChatMessage.system("Answer in French."),
            ChatMessage.user("Hello")), GenerationOptions.DEFAULTS);
        assertThat(r.text()).isEqualTo("Bonjour !");
        assertThat(r.usage().promptTokens()).as("uncached, read from and written to the cache").isEqualTo(47);
        assertThat(r.usage().cachedPromptTokens()).isEqualTo(30);
        assertThat(r.usage().completionTokens()).isEqualTo(3);
        FakeServer.Request sent = server.requests("POST /v1/messages").get(0);
        assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-secret");
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.header("Authorization")).isNull();
        assertThat(sent.json().path("system").asText()).isEqualTo("Answer in French.");
        assertThat(sent.json().path("max_tokens").asInt()).isEqualTo(AnthropicProtocol.DEFAULT_MAX_TOKENS);
        assertThat(sent.json().path("messages")).hasSize(1);

        manager.register("claude-emb", remote(ModelType.EMBEDDING, "claude", "x"), "t");
        assertThat(manager.info("claude-emb").reason()).contains("serves no embedding models");
    }

    @Test
    void anAnthropicErrorEventFailsTheCallWithItsMessage() {
        server.on("POST /v1/messages", (r, x) -> sse(x,
            "event: message_start\ndata: {\"type\": \"message_start\", \"message\": {\"usage\": {\"input_tokens\": 1}}}",
            "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": "
                + "\"Overloaded\"}}"));
        endpoint("claude", EndpointSettings.Kind.ANTHROPIC, "k");
        manager.register("claude", remote(ModelType.TEXT_GENERATION, "claude", "claude-sonnet-4"), "t");
        assertThatThrownBy(() -> manager.chat("claude", List.of(ChatMessage.user("hi")), GenerationOptions.DEFAULTS))
            .hasMessageContaining("overloaded_error: Overloaded");
    }

    // ------------------------------------------------------------------ reliability

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfterAndOther4xxNever() {
        openAiServer();
        AtomicInteger calls = new AtomicInteger();
        server.on("POST /v1/embeddings", (r, x) -> {
            if (calls.incrementAndGet() <= 2) {
                x.getResponseHeaders().set("Retry-After", "2");
                json(x, 429, "{\"error\": {\"message\": \"slow down\"}}");
            } else {
                json(x, 200, "{\"data\": [{\"index\": 0, \"embedding\": [1.0]}]}");
            }
        });
        endpoint("vllm", EndpointSettings.Kind.OPENAI, null);
        manager.register("e", remote(ModelType.EMBEDDING, "vllm", "embed-m"), "t");
        // The load's dimension probe sees two 429s, waits as told, then succeeds.
        assertThat(manager.embed("e", List.of("a")).vectors().get(0)).containsExactly(1f);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));

        server.on("POST /v1/embeddings", (r, x) -> json(x, 400, "{\"error\": {\"message\": \"input too long\"}}"));
        int before = server.requests("POST /v1/embeddings").size();
        assertThatThrownBy(() -> manager.embed("e", List.of("b")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.getMessage()).contains("HTTP 400: input too long");
            });
        assertThat(server.requests("POST /v1/embeddings")).as("a 400 is not retried").hasSize(before + 1);
    }

    @Test
    void serverErrorsAreRetriedWithExponentialBackoffThenTheCircuitOpens() {
        openAiServer();
        server.on("POST /v1/embeddings", (r, x) -> json(x, 503, "{\"error\": {\"message\": \"warming up\"}}"));
        endpoint(EndpointSettings.of("vllm", EndpointSettings.Kind.OPENAI, server.url(), null)
            .withRetries(2, Duration.ofMillis(100), Duration.ofSeconds(1)).withCircuit(3, Duration.ofMinutes(1)));
        manager.register("e", remote(ModelType.EMBEDDING, "vllm", "embed-m"), "t");
        assertThatThrownBy(() -> manager.embed("e", List.of("a")))
            .hasMessageContaining("HTTP 503: warming up (after 3 attempts)");
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0).toMillis()).isBetween(50L, 100L);
        assertThat(sleeps.get(1).toMillis()).isBetween(100L, 200L);
        int sent = server.requests("POST /v1/embeddings").size();
        assertThat(sent).isEqualTo(3);
        // Three failures in a row: the circuit is open, the next call fails without a request.
        assertThatThrownBy(() -> manager.embed("e", List.of("b"))).hasMessageContaining("calls fail at once");
        assertThat(server.requests("POST /v1/embeddings")).hasSize(sent);
        assertThat(provider.unavailableReason()).contains("vllm: OPEN");
    }

    @Test
    void aServerThatHangsTimesOutAndOneThatStopsHalfWayIsAnError() throws Exception {
        openAiServer();
        CountDownLatch release = new CountDownLatch(1);
        server.on("POST /v1/completions", (r, x) -> {
            if (r.json().path("prompt").asText().equals("hang")) {
                release.await(30, TimeUnit.SECONDS); // never answers in time
                return;
            }
            if (r.json().path("prompt").asText().equals("stall")) {
                OutputStream out = FakeServer.stream(x, "text/event-stream");
                line(out, "data: {\"choices\": [{\"index\": 0, \"text\": \"one\"}]}");
                line(out, "");
                release.await(30, TimeUnit.SECONDS); // then silence
                return;
            }
            OutputStream out = FakeServer.stream(x, "text/event-stream");
            line(out, "data: {\"choices\": [{\"index\": 0, \"text\": \"one\"}]}");
            line(out, "");
            out.close(); // no [DONE]
        });
        endpoint(EndpointSettings.of("vllm", EndpointSettings.Kind.OPENAI, server.url(), null)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(700)).withRetries(0, Duration.ofMillis(1),
                Duration.ofMillis(1)).withCircuit(100, Duration.ofSeconds(1)));
        manager.register("c", remote(ModelType.TEXT_GENERATION, "vllm", "chat-m"), "t");
        try {
            assertThatThrownBy(() -> manager.generate("c", "hang", GenerationOptions.DEFAULTS))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
            assertThatThrownBy(() -> manager.generate("c", "stall", GenerationOptions.DEFAULTS))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.getMessage()).contains("sent nothing for");
                });
            assertThatThrownBy(() -> manager.generate("c", "cut", GenerationOptions.DEFAULTS))
                .hasMessageContaining("closed the stream before the answer was complete");
        } finally {
            release.countDown();
        }
    }

    @Test
    void cancellingAStreamClosesTheConnection() throws Exception {
        openAiServer();
        AtomicBoolean clientGone = new AtomicBoolean();
        server.on("POST /v1/chat/completions", (r, x) -> {
            OutputStream out = FakeServer.stream(x, "text/event-stream");
            try {
                for (int i = 0; i < 200; i++) {
                    line(out, "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"t" + i + " \"}}]}");
                    line(out, "");
                    Thread.sleep(20);
                }
                line(out, "data: [DONE]");
                line(out, "");
            } catch (IOException e) {
                clientGone.set(true);
            }
        });
        endpoint("vllm", EndpointSettings.Kind.OPENAI, null);
        manager.register("c", remote(ModelType.TEXT_GENERATION, "vllm", "chat-m"), "t");
        List<String> pieces = collect(manager.streamChat("c", List.of(ChatMessage.user("go")),
            GenerationOptions.DEFAULTS), 3);
        assertThat(pieces).hasSize(3);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!clientGone.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(clientGone).as("the server noticed the client went away").isTrue();
    }

    @Test
    void theApiKeyIsNeverShown() {
        openAiServer();
        server.on("GET /v1/models", (r, x) -> json(x, 401, "{\"error\": {\"message\": \"Incorrect API key\"}}"));
        RemoteEndpoint e = endpoint("vllm", EndpointSettings.Kind.OPENAI, "sk-very-secret");
        manager.register("c", remote(ModelType.TEXT_GENERATION, "vllm", "chat-m"), "t");
        assertThatThrownBy(() -> manager.generate("c", "x", GenerationOptions.DEFAULTS))
            .hasMessageContaining("HTTP 401").hasMessageContaining("check the endpoint's api.key")
            .hasMessageNotContaining("sk-very-secret");
        assertThat(e.settings().toString()).doesNotContain("sk-very-secret").contains("key=set");
        assertThat(manager.info("c").toString()).doesNotContain("sk-very-secret");
    }

    @Test
    void endpointConfigurationIsReadWithTheKeyFromTheEnvironment() {
        EndpointSettings s = EndpointSettings.from(new EndpointConfig() {
            @Override public Class<? extends java.lang.annotation.Annotation> annotationType() { return EndpointConfig.class; }
            @Override public String name() { return ""; }
            @Override public String kind() { return "ollama"; }
            @Override public String base_url() { return "http://gpu-box:11434/"; }
            @Override public String api_key() { return ""; }
            @Override public String api_key_file() { return ""; }
            @Override public String api_key_env() { return "MY_KEY"; }
            @Override public long connect_timeout_ms() { return 1000; }
            @Override public long read_timeout_seconds() { return 60; }
            @Override public int max_concurrency() { return 2; }
            @Override public int retries() { return 1; }
            @Override public long retry_backoff_ms() { return 10; }
            @Override public long retry_max_backoff_ms() { return 100; }
            @Override public int circuit_failures() { return 3; }
            @Override public long circuit_open_seconds() { return 5; }
            @Override public String[] headers() { return new String[] {"X-Team: search"}; }
            @Override public String[] header_files() { return new String[0]; }
            @Override public String[] header_env() { return new String[0]; }
            @Override public long keep_alive_minutes() { return 10; }
            @Override public String anthropic_version() { return "2023-06-01"; }
            @Override public String[] response_formats() { return new String[0]; }
        }, "gpu", Map.of("MY_KEY", "from-env"));
        assertThat(s.name()).isEqualTo("gpu");
        assertThat(s.kind()).isEqualTo(EndpointSettings.Kind.OLLAMA);
        assertThat(s.baseUrl()).hasToString("http://gpu-box:11434");
        assertThat(s.apiKey()).isEqualTo("from-env");
        assertThat(s.headers()).containsEntry("X-Team", "search");
        assertThat(s.keepAlive()).isEqualTo(Duration.ofMinutes(10));
        assertThat(RemoteEndpoint.retryAfterMillis("1.5")).isEqualTo(1500);
        assertThat(RemoteEndpoint.retryAfterMillis("soon")).isEqualTo(-1);
    }
}
