package dev.modelmanager.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppProvider;
import dev.modelmanager.provider.llamacpp.internal.LlamaCppSettings;

/**
 * What the manager cannot serve is refused naming what it is, before any work; what the manager refuses is its
 * {@link ModelException}, unchanged. Against a real manager with stories260K through llama.cpp.
 */
class RefusedRequestsTest {
    static final Path STORIES = Path.of(System.getProperty("shared.models", "../../shared/models"))
        .resolve("stories260K.gguf");

    static ModelManagerImpl manager;
    static ManagedChatModel chat;
    static ManagedStreamingChatModel streaming;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
        chat = ManagedModels.chatModel(manager, "stories", ModelRequirement.builder(ModelType.TEXT_GENERATION,
            "stories260K").path(STORIES.toString()).temperature(0.0).maxOutputLength(8).build());
        streaming = ManagedModels.streamingChatModel(manager, "stories");
    }

    @AfterAll
    static void stop() {
        chat.close();
        streaming.close();
        manager.close();
    }

    static final class Calculator {
        @Tool("adds two numbers")
        int add(int a, int b) {
            return a + b;
        }
    }

    interface Assistant {
        String answer(String question);
    }

    @Test
    void toolsOfAnAiServiceAreRefusedNamingThem() {
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(chat).tools(new Calculator()).build();
        long callsBefore = manager.info("stories").stats().requests();
        assertThatThrownBy(() -> assistant.answer("What is 2 + 3?"))
            .isInstanceOf(UnsupportedFeatureException.class)
            .hasMessageContaining("tools").hasMessageContaining("add").hasMessageContaining("stories");
        assertThat(manager.info("stories").stats().requests()).as("refused before the manager").isEqualTo(callsBefore);
    }

    @Test
    void aJsonSchemaResponseFormatGivesJsonOfThatSchema() throws Exception {
        // stories260K writes stories; under the schema's grammar it can only write this object.
        ResponseFormat json = ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder()
            .name("Pet status").rootElement(JsonObjectSchema.builder().addEnumProperty("mood", List.of("happy", "sad"))
                .addIntegerProperty("legs").addBooleanProperty("sleeping").required("mood", "legs", "sleeping")
                .additionalProperties(false).build()).build()).build();
        ChatResponse response = chat.chat(ChatRequest.builder().messages(UserMessage.from("Tell me about the cat"))
            .responseFormat(json).maxOutputTokens(64).build());
        com.fasterxml.jackson.databind.JsonNode pet = new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(response.aiMessage().text());
        assertThat(pet.get("mood").asText()).isIn("happy", "sad");
        assertThat(pet.get("legs").isIntegralNumber()).isTrue();
        assertThat(pet.get("sleeping").isBoolean()).isTrue();
        assertThat(pet.size()).isEqualTo(3);
    }

    enum Mood { HAPPY, SAD }

    record Pet(Mood mood, int legs, boolean sleeping) {
    }

    interface PetDescriber {
        Pet describe(String animal);
    }

    @Test
    void anAiServiceReturningARecordGetsItThroughTheSchemaWhileTheModelIsLoaded() {
        // stories260K writes stories: asked in the prompt it would not answer JSON; under the schema's grammar it must
        GeneratorRef ref = manager.attach("stories", GeneratorRef.class);
        try (ManagedChatModel model = ManagedModels.chatModel(ref,
                DefaultChatRequestParameters.builder().maxOutputTokens(64).build())) {
            manager.unload("stories");
            assertThat(model.supportedCapabilities()).as("not loaded: who serves it is not known").isEmpty();
            manager.load("stories", Duration.ofSeconds(60));
            assertThat(manager.info("stories").details()).containsEntry("response_formats",
                "text, json_object, json_schema");
            assertThat(model.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
            assertThat(streaming.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
            Pet pet = AiServices.create(PetDescriber.class, model).describe("the cat");
            assertThat(pet.mood()).isIn(Mood.HAPPY, Mood.SAD);
        } finally {
            ref.close();
        }
    }

    @Test
    void toolsImagesAndPenaltiesAreRefusedInBothModels() {
        ToolSpecification weather = ToolSpecification.builder().name("current_weather").description("weather").build();
        assertRefused(ChatRequest.builder().messages(UserMessage.from("Hi")).toolSpecifications(weather).build(),
            "tools", "current_weather");
        assertRefused(ChatRequest.builder().messages(UserMessage.from(TextContent.from("What is in it?"),
            ImageContent.from("https://example.org/cat.png"))).build(), "IMAGE content");
        assertRefused(ChatRequest.builder().messages(UserMessage.from("Hi")).frequencyPenalty(0.5).build(),
            "frequencyPenalty");
        assertRefused(ChatRequest.builder().messages(UserMessage.from("Hi")).presencePenalty(0.5).build(),
            "presencePenalty");
    }

    private static void assertRefused(ChatRequest request, String... named) {
        assertThatThrownBy(() -> chat.chat(request)).isInstanceOf(UnsupportedFeatureException.class)
            .hasMessageContainingAll(named);
        assertThatThrownBy(() -> streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                throw new AssertionError("answered a refused request");
            }

            @Override
            public void onError(Throwable error) {
                throw new AssertionError("refused after the call: " + error);
            }
        })).isInstanceOf(UnsupportedFeatureException.class).hasMessageContainingAll(named);
    }

    @Test
    void theManagersOwnRefusalsKeepTheirCodesAndNames() {
        assertThatThrownBy(() -> ManagedModels.chatModel(manager, "nobody"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED);
                assertThat(e.modelId()).isEqualTo("nobody");
            });
        assertThatThrownBy(() -> ManagedModels.streamingChatModel(manager, "nobody"))
            .isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        assertThatThrownBy(() -> ManagedModels.embeddingModel(manager, "stories"))
            .isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CAPABILITY_MISSING));
        assertThatThrownBy(() -> chat.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).temperature(-1.0)
            .build()))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("temperature");
                assertThat(e.modelId()).isEqualTo("stories");
            });
        assertThatThrownBy(() -> chat.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).modelName("gpt-4o")
            .build()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("modelName"))
            .hasMessageContaining("gpt-4o");
        assertThat(chat.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).modelName("stories260K").build())
            .aiMessage().text()).as("its own name is fine").isNotNull();
    }
}
