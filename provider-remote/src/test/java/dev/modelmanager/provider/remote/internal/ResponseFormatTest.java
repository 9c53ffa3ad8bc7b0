package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.line;
import static dev.modelmanager.provider.remote.internal.FakeServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.ResponseFormat;

/**
 * A shape of output goes to the server as its own: OpenAI's {@code response_format} (a schema strict, so that the
 * server holds to it or refuses it), Ollama's {@code format}; Anthropic's API has neither, so its models refuse.
 */
class ResponseFormatTest {
    private static final String SCHEMA = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}},"
        + " \"required\": [\"city\"], \"additionalProperties\": false}";

    private RemoteFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new RemoteFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static GenerationOptions shaped(ResponseFormat format) {
        return GenerationOptions.builder().maxOutputLength(20).responseFormat(format).build();
    }

    @Test
    void openAiGetsResponseFormatAndOllamaFormat() throws Exception {
        f.server.on("POST /v1/chat/completions", (r, x) -> sse(x,
            "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}, "
                + "\"finish_reason\": \"stop\"}]}", "data: [DONE]"));
        OpenAiProtocol openai = new OpenAiProtocol(f.endpoint("oa", EndpointSettings.Kind.OPENAI, 0, 5));
        assertThat(openai.responseFormats()).containsExactlyInAnyOrder(ResponseFormat.Kind.values());
        assertThat(openai.chat("m", "gpt", List.of(ChatMessage.user("where?")),
            shaped(ResponseFormat.jsonSchema("place", SCHEMA)), piece -> true).text()).isEqualTo("{\"city\": \"Oslo\"}");
        JsonNode format = f.server.requests("POST /v1/chat/completions").get(0).json().path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("name").asText()).isEqualTo("place");
        assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
        assertThat(format.path("json_schema").path("schema")).isEqualTo(RemoteEndpoint.JSON.readTree(SCHEMA));
        openai.chat("m", "gpt", List.of(ChatMessage.user("where?")), shaped(ResponseFormat.JSON_OBJECT), piece -> true);
        assertThat(f.server.requests("POST /v1/chat/completions").get(1).json().path("response_format").path("type")
            .asText()).isEqualTo("json_object");
        openai.chat("m", "gpt", List.of(ChatMessage.user("where?")), shaped(null), piece -> true);
        assertThat(f.server.requests("POST /v1/chat/completions").get(2).json().has("response_format")).isFalse();

        f.server.on("POST /api/chat", (r, x) -> {
            OutputStream out = FakeServer.stream(x, "application/x-ndjson");
            line(out, "{\"message\": {\"role\": \"assistant\", \"content\": \"{}\"}, \"done\": true, "
                + "\"done_reason\": \"stop\"}");
            out.close();
        });
        OllamaProtocol ollama = new OllamaProtocol(f.endpoint("ol", EndpointSettings.Kind.OLLAMA, 0, 5));
        ollama.chat("m", "llama3.2", List.of(ChatMessage.user("where?")), shaped(ResponseFormat.jsonSchema(SCHEMA)),
            piece -> true);
        ollama.chat("m", "llama3.2", List.of(ChatMessage.user("where?")), shaped(ResponseFormat.JSON_OBJECT),
            piece -> true);
        List<FakeServer.Request> sent = f.server.requests("POST /api/chat");
        assertThat(sent.get(0).json().path("format")).isEqualTo(RemoteEndpoint.JSON.readTree(SCHEMA));
        assertThat(sent.get(1).json().path("format").asText()).isEqualTo("json");

        assertThatThrownBy(() -> openai.generate("m", "gpt", "where?", shaped(ResponseFormat.JSON_OBJECT), piece -> true))
            .as("completions take no response_format: refused, not sent to be dropped")
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CAPABILITY_MISSING);
                assertThat(e.field()).isEqualTo("response_format");
            });
        assertThat(f.server.requests("POST /v1/completions")).isEmpty();
        assertThatThrownBy(() -> openai.chat("m", "gpt", List.of(ChatMessage.user("x")),
            shaped(ResponseFormat.jsonSchema("{\"type\": ")), piece -> true))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("response_format.schema");
            });
    }

    @Test
    void anthropicModelsRefuseAShapeTheyCannotHoldTo() {
        f.endpoint("claude", EndpointSettings.Kind.ANTHROPIC, 0, 5);
        f.manager.register("claude", RemoteFixture.remote(ModelType.TEXT_GENERATION, "claude", "claude-sonnet-4")
            .build(), "t");
        assertThatThrownBy(() -> f.manager.chat("claude", List.of(ChatMessage.user("where?")),
            shaped(ResponseFormat.JSON_OBJECT)))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CAPABILITY_MISSING);
                assertThat(e.field()).isEqualTo("response_format");
            });
        assertThat(f.server.requests("POST /v1/messages")).isEmpty();
    }

    @Test
    void anEndpointSetToTextOnlyHasJsonRequestsRefusedInsteadOfPassingFreeTextOn() {
        EndpointSettings settings = EndpointSettings.of("plain", EndpointSettings.Kind.OPENAI, f.server.url(), null)
            .withResponseFormats(EndpointSettings.parseResponseFormats("text"));
        f.provider.add(new RemoteEndpoint(settings, d -> { }));
        f.manager.register("plain", RemoteFixture.remote(ModelType.TEXT_GENERATION, "plain", "old-server-model")
            .build(), "t");
        assertThatThrownBy(() -> f.manager.chat("plain", List.of(ChatMessage.user("where?")),
            shaped(ResponseFormat.jsonSchema("place", SCHEMA))))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CAPABILITY_MISSING);
                assertThat(e.field()).isEqualTo("response_format");
            });
        assertThat(f.server.requests("POST /v1/chat/completions")).isEmpty();
        assertThat(f.manager.info("plain").details()).containsEntry("response_formats", "text");
        assertThat(settings.toString()).contains("response.formats=text");
    }

    @Test
    void theResponseFormatsSettingIsReadAndCheckedAgainstTheKindNamingItself() {
        assertThat(EndpointSettings.parseResponseFormats(" json_schema ,TEXT"))
            .containsExactlyInAnyOrder(ResponseFormat.Kind.JSON_SCHEMA, ResponseFormat.Kind.TEXT);
        assertThat(EndpointSettings.parseResponseFormats(" ")).as("empty: the kind's").isNull();
        assertThat(EndpointSettings.parseResponseFormats()).isNull();
        assertThat(EndpointSettings.parseResponseFormats("text", " json_object")).as("a list, as Config Admin gives one")
            .containsExactlyInAnyOrder(ResponseFormat.Kind.TEXT, ResponseFormat.Kind.JSON_OBJECT);
        assertThat(EndpointSettings.of("o", EndpointSettings.Kind.OPENAI, f.server.url(), null).responseFormats())
            .containsExactlyInAnyOrder(ResponseFormat.Kind.values());
        assertThat(EndpointSettings.of("o", EndpointSettings.Kind.OPENAI, f.server.url(), null)
            .withResponseFormats(java.util.Set.of(ResponseFormat.Kind.JSON_OBJECT)).responseFormats())
            .as("free text always").containsExactlyInAnyOrder(ResponseFormat.Kind.TEXT, ResponseFormat.Kind.JSON_OBJECT);
        assertThatThrownBy(() -> EndpointSettings.parseResponseFormats("text, xml"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.field()).isEqualTo("response.formats");
                assertThat(e.getMessage()).contains("'xml'", "text, json_object, json_schema");
            });
        assertThatThrownBy(() -> EndpointSettings.of("c", EndpointSettings.Kind.ANTHROPIC, f.server.url(), null)
            .withResponseFormats(java.util.Set.of(ResponseFormat.Kind.JSON_SCHEMA)))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.field()).isEqualTo("response.formats");
                assertThat(e.getMessage()).contains("anthropic endpoints can ask for text only, not json_schema")
                    .doesNotContain("text)").doesNotContain("json_schema, text");
            });
    }
}
