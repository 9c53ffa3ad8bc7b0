package dev.modelmanager.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppProvider;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppSettings;

/**
 * stories260K (a tiny llama model: its stories make little sense, but it runs through llama.cpp's chat path) through a
 * real manager and the llama.cpp provider, as a LangChain4j ChatModel: directly, behind an AiServices interface, and
 * with a request's parameters.
 */
class ChatWithLangChain4jTest {
    static final Path STORIES = Path.of(System.getProperty("shared.models", "../../shared/models"))
        .resolve("stories260K.gguf");
    /** Greedy by the requirement's defaults: every answer is reproducible. */
    static final ModelRequirement GREEDY_STORIES = ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
        .path(STORIES.toString()).temperature(0.0).maxOutputLength(32).build();

    static ModelManagerImpl manager;
    static ManagedChatModel chat;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
        chat = ManagedModels.chatModel(manager, "stories", GREEDY_STORIES);
    }

    @AfterAll
    static void stop() {
        chat.close();
        manager.close();
    }

    /** What the manager itself answers to the same conversation. */
    static GenerationResult direct(List<ChatMessage> messages, GenerationOptions options) {
        return manager.chat("stories", messages, options);
    }

    interface Storyteller {
        @dev.langchain4j.service.SystemMessage("You tell short stories for children.")
        String tell(String beginning);

        @dev.langchain4j.service.SystemMessage("You tell short stories for children.")
        Result<String> tellWithUsage(String beginning);
    }

    @Test
    void anAiServicesInterfaceAnswersWhatTheManagerAnswersToTheSameConversation() {
        Storyteller teller = AiServices.create(Storyteller.class, chat);
        String story = teller.tell("Once upon a time");
        GenerationResult expected = direct(List.of(ChatMessage.system("You tell short stories for children."),
            ChatMessage.user("Once upon a time")), GenerationOptions.DEFAULTS);
        assertThat(story).isNotBlank().isEqualTo(expected.text());
        Result<String> again = teller.tellWithUsage("Once upon a time");
        assertThat(again.content()).as("greedy: the same again").isEqualTo(story);
        assertThat(again.tokenUsage().inputTokenCount()).as("the system message went in as one")
            .isEqualTo(expected.usage().promptTokens());
        assertThat(again.tokenUsage().outputTokenCount()).isEqualTo(expected.usage().completionTokens());
        assertThat(again.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(manager.info("stories").requesters()).containsExactly(ModelManagerConstants.LOCAL_REQUESTER);
    }

    @Test
    void aChatResponseCarriesTheTextTheFinishReasonAndTheManagersTokenCounts() {
        ChatResponse response = chat.chat(ChatRequest.builder()
            .messages(SystemMessage.from("You tell stories."), UserMessage.from("Lily found a ball."),
                AiMessage.from("She was happy."), UserMessage.from("What did she do next?"))
            .maxOutputTokens(12).build());
        GenerationResult expected = direct(List.of(ChatMessage.system("You tell stories."),
            ChatMessage.user("Lily found a ball."), ChatMessage.assistant("She was happy."),
            ChatMessage.user("What did she do next?")), GenerationOptions.builder().maxOutputLength(12).build());
        assertThat(response.aiMessage().text()).isEqualTo(expected.text());
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(12);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(expected.usage().promptTokens()).isPositive();
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(expected.usage().promptTokens() + 12);
        assertThat(response.modelName()).isEqualTo("stories260K");
    }

    @Test
    void stopSequencesTemperatureTopKTopPAndSeedReachTheModel() throws Exception {
        String whole = chat.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build())
            .aiMessage().text();
        String[] words = whole.trim().split("\\s+");
        assertThat(words.length).as("a greedy answer of several words: %s", whole).isGreaterThan(3);
        String stop = words[2];
        ChatResponse stopped = chat.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
            .stopSequences(List.of(stop)).build());
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.aiMessage().text()).isEqualTo(whole.substring(0, whole.indexOf(stop)));

        ModelManagerChatRequestParameters sampled = ModelManagerChatRequestParameters.builder()
            .temperature(1.2).topK(40).topP(0.95).seed(7L).maxOutputTokens(24).build();
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
            .parameters(sampled).build();
        String first = chat.chat(request).aiMessage().text();
        assertThat(chat.chat(request).aiMessage().text()).as("the same seed, the same sample").isEqualTo(first);
        GenerationOptions options = GenerationOptions.builder().temperature(1.2).topK(40).topP(0.95).seed(7L)
            .maxOutputLength(24).build();
        assertThat(first).isEqualTo(direct(List.of(ChatMessage.user("Once upon a time")), options).text());

        // the seed as an adapter's default, under the request's own parameters
        try (GeneratorRef handle = manager.attach("stories", GeneratorRef.class);
             ManagedChatModel seeded = ManagedModels.chatModel(handle, sampled)) {
            assertThat(seeded.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build())
                .aiMessage().text()).isEqualTo(first);
            assertThat(seeded.chatAsync(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build())
                .get(60, TimeUnit.SECONDS).aiMessage().text()).isEqualTo(first);
        }
    }

    @Test
    void theAsyncChatAnswersAsTheBlockingOne() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("The little dog")).build();
        CompletableFuture<ChatResponse> async = chat.chatAsync(request);
        assertThat(async.get(60, TimeUnit.SECONDS).aiMessage().text()).isEqualTo(chat.chat(request).aiMessage().text());
    }
}
