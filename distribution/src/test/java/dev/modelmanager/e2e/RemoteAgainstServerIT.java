package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppProvider;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppSettings;
import dev.modelmanager.provider.remote.internal.RemoteProvider;

/**
 * The remote provider against a real server: the project's own distribution, started as a separate process, is an
 * OpenAI-compatible endpoint. A manager in this JVM registers remote models pointing at it; embeddings, chat and
 * streaming must give what the server's own in-process models give, and what the same GGUF file gives in-process
 * here.
 */
class RemoteAgainstServerIT {
    private static final Path MODELS = Path.of(System.getProperty("shared.models")).toAbsolutePath();
    private static final GenerationOptions GREEDY = GenerationOptions.builder().temperature(0.0).maxOutputLength(32)
        .build();

    private static DistributionServer server;
    private static ModelManagerImpl manager;
    private static RemoteProvider remote;
    private static LlamaCppProvider llama;

    @BeforeAll
    static void start() throws Exception {
        server = new DistributionServer("e2e-remote");
        OperatorConfig.modelRoots(server.home, MODELS); // the REST registration below names a shared model
        server.start(Map.of());
        assertThat(server.send("POST", "/api/v1/models", """
            {"id": "tiny", "requirement": {"model_type": "text_generation", "name": "stories260K", "path": "%s"}}"""
            .formatted(MODELS.resolve("stories260K.gguf"))).statusCode()).isEqualTo(201);

        ManagerSettings settings = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work"));
        manager = new ModelManagerImpl(settings);
        remote = new RemoteProvider();
        remote.addEndpoint("mm", "openai", server.url(), null);
        llama = new LlamaCppProvider(LlamaCppSettings.defaults());
        manager.bindProvider(remote, Map.of("service.id", 1L));
        manager.bindProvider(llama, Map.of("service.id", 2L));
        manager.register("remote-minilm", ModelRequirement.builder(ModelType.EMBEDDING, "minilm").dimension(384)
            .source(new ModelSource.Remote("mm", "minilm")).build(), "it");
        manager.register("remote-tiny", ModelRequirement.builder(ModelType.TEXT_GENERATION, "tiny")
            .source(new ModelSource.Remote("mm", "tiny")).build(), "it");
        manager.register("local-tiny", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(MODELS.resolve("stories260K.gguf").toString()).build(), "it");
    }

    @AfterAll
    static void stop() throws Exception {
        if (manager != null) {
            manager.close();
            remote.deactivate();
            llama.deactivate();
        }
        server.close();
    }

    @Test
    void remoteEmbeddingsAreTheServersInProcessVectors() throws Exception {
        List<String> texts = List.of("A man is eating food.", "A man is riding a horse.");
        List<float[]> viaRemote = manager.embed("remote-minilm", texts).vectors();
        JsonNode direct = DistributionServer.json(server.send("POST", "/v1/embeddings",
            "{\"model\": \"minilm\", \"input\": [\"A man is eating food.\", \"A man is riding a horse.\"]}"));
        for (int t = 0; t < texts.size(); t++) {
            JsonNode expected = direct.get("data").get(t).get("embedding");
            assertThat(viaRemote.get(t)).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(viaRemote.get(t)[i]).isEqualTo((float) expected.get(i).asDouble());
            }
        }
        assertThat(manager.info("remote-minilm").device()).isEqualTo("remote:mm");
        assertThat(manager.info("remote-minilm").memoryBytes()).as("no local memory").isZero();
    }

    @Test
    void remoteGenerationChatAndStreamingMatchTheModelInProcess() throws Exception {
        String prompt = "Once upon a time";
        GenerationResult local = manager.generate("local-tiny", prompt, GREEDY);
        GenerationResult viaRemote = manager.generate("remote-tiny", prompt, GREEDY);
        assertThat(viaRemote.text()).isNotBlank().isEqualTo(local.text());
        assertThat(viaRemote.usage().completionTokens()).isEqualTo(local.usage().completionTokens());

        List<ChatMessage> chat = List.of(ChatMessage.user(prompt));
        GenerationResult localChat = manager.chat("local-tiny", chat, GREEDY);
        assertThat(manager.chat("remote-tiny", chat, GREEDY).text()).isEqualTo(localChat.text());

        List<String> pieces = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        manager.streamChat("remote-tiny", chat, GREEDY).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(GenerationChunk item) {
                pieces.add(item.text());
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
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(pieces.size()).as("streamed in pieces").isGreaterThan(5);
        assertThat(String.join("", pieces)).isEqualTo(localChat.text());
    }
}
