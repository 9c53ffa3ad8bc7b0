package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.ResponseFormat;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * Output held to a JSON Schema on a real model (stories260K, which by itself writes children's stories): llama.cpp
 * samples every token under the grammar made from the schema, so the text is JSON of that shape whatever the model
 * would rather say; a schema that is not JSON, or that llama.cpp cannot turn into a grammar, is refused naming the
 * field and the model keeps serving.
 */
class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PERSON = """
        {"type": "object", "properties": {
           "name": {"type": "string", "minLength": 1, "maxLength": 12},
           "age": {"type": "integer", "minimum": 0, "maximum": 120},
           "mood": {"enum": ["happy", "sad", "sleepy"]}},
         "required": ["name", "age", "mood"], "additionalProperties": false}""";

    static ModelManagerImpl manager;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
        manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(LlamaGenerationTest.STORIES.toString()).build(), "test");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static GenerationOptions format(ResponseFormat format, double temperature, Long seed) {
        return GenerationOptions.builder().temperature(temperature).seed(seed).maxOutputLength(120)
            .responseFormat(format).build();
    }

    private static void assertPerson(GenerationResult r) throws Exception {
        assertThat(r.finishReason()).as(r.text()).isEqualTo(FinishReason.STOP);
        JsonNode person = JSON.readTree(r.text());
        assertThat(person.isObject()).as(r.text()).isTrue();
        assertThat(person.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("name", "age", "mood");
        assertThat(person.get("name").isTextual()).isTrue();
        assertThat(person.get("name").asText()).hasSizeBetween(1, 12);
        assertThat(person.get("age").isIntegralNumber()).isTrue();
        assertThat(person.get("age").asInt()).isBetween(0, 120);
        assertThat(person.get("mood").asText()).isIn("happy", "sad", "sleepy");
    }

    @Test
    void aSchemaHoldsTheTextToItsShapeGreedySampledAndInAChat() throws Exception {
        String prompt = "Once upon a time";
        String free = manager.generate("stories", prompt, format(null, 0, null)).text();
        assertThat(free).as("the model alone tells a story").doesNotStartWith("{");

        assertPerson(manager.generate("stories", prompt, format(ResponseFormat.jsonSchema("person", PERSON), 0, null)));
        for (long seed = 1; seed <= 3; seed++) {
            assertPerson(manager.generate("stories", prompt, format(ResponseFormat.jsonSchema(PERSON), 0.9, seed)));
        }
        assertPerson(manager.chat("stories", List.of(ChatMessage.user("Who is Lily?")),
            format(ResponseFormat.jsonSchema(PERSON), 0, null)));
    }

    @Test
    void jsonObjectGivesAnObject() throws Exception {
        GenerationResult r = manager.generate("stories", "Once upon a time", GenerationOptions.builder()
            .temperature(0.0).maxOutputLength(200).responseFormat(ResponseFormat.JSON_OBJECT).build());
        assertThat(r.text()).startsWith("{");
        if (r.finishReason() == FinishReason.STOP) {
            assertThat(JSON.readTree(r.text()).isObject()).as(r.text()).isTrue();
        }
    }

    @Test
    void aSchemaThatIsNotJsonOrNotUsableIsRefusedAndTheModelKeepsServing() {
        assertThatThrownBy(() -> manager.generate("stories", "Once", format(ResponseFormat.jsonSchema(
            "{\"type\": \"object\", \"properties\": {\"a\": }}"), 0, null)))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("response_format.schema");
            }).hasMessageContaining("not well-formed JSON").hasMessageContaining("character 40");
        assertThatThrownBy(() -> manager.generate("stories", "Once", format(ResponseFormat.jsonSchema(
            "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"https://example.com/a.json\"}}}"), 0, null)))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("response_format.schema"))
            .hasMessageContaining("only references inside the schema");
        // What llama.cpp itself cannot make a grammar of comes back with its reason, as the caller's to fix.
        assertThatThrownBy(() -> manager.generate("stories", "Once", format(ResponseFormat.jsonSchema(
            "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/definitions/missing\"}}}"), 0, null)))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("response_format.schema");
            }).hasMessageContaining("Error resolving ref #/definitions/missing");
        assertThatThrownBy(() -> manager.generate("stories", "Once", format(ResponseFormat.jsonSchema(
            "{\"type\": \"string\", \"pattern\": \"[a-z]+\"}"), 0, null)))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("Pattern must start with '^' and end with '$'");
        assertThat(manager.generate("stories", "Once upon a time", format(null, 0, null)).text()).isNotEmpty();
    }

    @Test
    void aReferenceOutsideTheSchemaIsFoundHoweverItsNameIsWritten() {
        assertThatThrownBy(() -> JsonSyntax.requireSchema("{\"properties\": {\"a\": {\"\\u0024ref\": "
            + "\"https://example.com/a.json\"}}}", "f")).hasMessageContaining("only references inside the schema");
        assertThat(JsonSyntax.requireSchema("{\"$defs\": {\"b\": {}}, \"properties\": {\"a\": {\"$ref\": "
            + "\"#/$defs/b\"}}, \"description\": \"see $ref\"}", "f")).contains("#/$defs/b");
    }

    @Test
    void theSyntaxCheckAcceptsJsonAndNothingElse() {
        for (String ok : List.of("{}", " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}} ",
            "{\"smile\": \"\\ud83d\\ude00\", \"max\": 1.7976931348623157e308}", PERSON)) {
            assertThat(JsonSyntax.requireSchema(ok, "f")).isEqualTo(ok);
        }
        for (String bad : List.of("", "[]", "{", "{\"a\" 1}", "{\"a\": 01}", "{\"a\": tru}", "{} x", "{'a': 1}",
            "{\"a\": \"\\x\"}", "{\"a\": 1,}", "{\"a\": \"" + (char) 1 + "\"}", "{\"a\": " + "[".repeat(100)
                + "]".repeat(100) + "}",
            // what nlohmann's parser refuses (and, outside a try block, would abort the JVM on)
            "{\"a\": 1e400}", "{\"a\": " + "9".repeat(400) + "}", "{\"a\": \"\\ud800\"}",
            "{\"a\": \"\\udc00\"}", "{\"a\": \"\\ud800\\u0041\"}", "{\"a\": \"\\u\u0660\u0660\u0664\u0661\"}")) {
            assertThatThrownBy(() -> JsonSyntax.requireSchema(bad, "f")).as(bad).isInstanceOf(ModelException.class)
                .hasMessageStartingWith("f: ");
        }
    }
}
