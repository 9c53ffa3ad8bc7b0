package dev.modelmanager.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppProvider;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppSettings;

/** stories260K through a real manager and the llama.cpp provider as a LangChain4j StreamingChatModel. */
class StreamingChatWithLangChain4jTest {
    static final Path STORIES = Path.of(System.getProperty("shared.models", "../../shared/models"))
        .resolve("stories260K.gguf");
    static final ModelRequirement GREEDY_STORIES = ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
        .path(STORIES.toString()).temperature(0.0).build();

    static ModelManagerImpl manager;
    static ManagedStreamingChatModel streaming;
    static ManagedChatModel blocking;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
        streaming = ManagedModels.streamingChatModel(manager, "stories", GREEDY_STORIES);
        blocking = ManagedModels.chatModel(manager, "stories");
    }

    @AfterAll
    static void stop() {
        streaming.close();
        blocking.close();
        manager.close();
    }

    /** Records what a stream delivers. */
    static final class Recorder implements StreamingChatResponseHandler {
        final List<String> pieces = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> complete = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final int cancelAfter;

        Recorder(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            pieces.add(partial.text());
            if (pieces.size() == cancelAfter) {
                context.streamingHandle().cancel();
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            complete.complete(response);
        }

        @Override
        public void onError(Throwable e) {
            error.complete(e);
        }
    }

    @Test
    void theTokensConcatenateToTheCompleteResponseWhichIsTheBlockingAnswer() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
            .maxOutputTokens(40).build();
        Recorder recorder = new Recorder(-1);
        streaming.chat(request, recorder);
        ChatResponse complete = recorder.complete.get(60, TimeUnit.SECONDS);
        assertThat(recorder.error).isNotDone();
        assertThat(recorder.pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", recorder.pieces)).isEqualTo(complete.aiMessage().text());
        assertThat(complete.aiMessage().text()).isEqualTo(blocking.chat(request).aiMessage().text());
        assertThat(complete.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(complete.tokenUsage().outputTokenCount()).isEqualTo(40);
        assertThat(complete.tokenUsage().inputTokenCount()).isPositive();
    }

    @Test
    void theStringHandlerOfLangChain4jGetsThePiecesToo() throws Exception {
        StringBuilder text = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("The little dog", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                text.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        assertThat(done.get(60, TimeUnit.SECONDS).aiMessage().text()).isNotEmpty().isEqualTo(text.toString());
    }

    @Test
    void cancellingThroughTheStreamingHandleStopsTheModelsWorkAndEndsTheCallbacks() throws Exception {
        long cancelledBefore = manager.info("stories").stats().cancelled();
        Recorder recorder = new Recorder(3);
        streaming.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
            .maxOutputTokens(1500).build(), recorder); // within the slot's 2048-token context
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((recorder.pieces.size() < 3 || manager.info("stories").inFlight() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(manager.info("stories").inFlight()).as("the generation stopped").isZero();
        assertThat(manager.info("stories").stats().cancelled()).as("cancelled, not run to its end")
            .isEqualTo(cancelledBefore + 1);
        Thread.sleep(200);
        assertThat(recorder.pieces).hasSize(3);
        assertThat(recorder.complete).isNotDone();
        assertThat(recorder.error).isNotDone();
    }

    @Test
    void aFailureOfTheModelReachesOnErrorAsTheManagersException() throws Exception {
        try (ManagedStreamingChatModel small = ManagedModels.streamingChatModel(manager, "small",
            ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K").path(STORIES.toString())
                .option("n_ctx", "64").option("n_parallel", "1").build())) {
            Recorder recorder = new Recorder(-1);
            small.chat(ChatRequest.builder().messages(UserMessage.from(
                "Once upon a time there was a little dog. ".repeat(20))).build(), recorder);
            Throwable error = recorder.error.get(60, TimeUnit.SECONDS);
            assertThat(error).isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.modelId()).isEqualTo("small");
            }).hasMessageContaining("64");
            assertThat(recorder.complete).isNotDone();
        }
    }
}
