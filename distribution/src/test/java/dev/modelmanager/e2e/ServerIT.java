package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

/**
 * The distribution as a server, used as a user would: {@code bin/modelmanager --server} as a separate process,
 * readiness through {@code /health/ready}, Gogo commands through {@code -c}, the management API, the official
 * OpenAI Java client on {@code /v1}, bad input, hot deployment through {@code deploy/}, and a SIGKILL after
 * which the registrations come back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerIT {
    private static final ObjectMapper JSON = DistributionServer.JSON;
    private static final Path MODELS = Path.of(System.getProperty("shared.models")).toAbsolutePath();

    private static DistributionServer server;
    private static Path home;

    @BeforeAll
    static void start() throws Exception {
        server = new DistributionServer("e2e-server");
        home = server.home;
        OperatorConfig.modelRoots(home, MODELS); // the REST registrations below name the shared models
        // A registration made in the shell before the server starts: kept in data/state.json, restored by the server.
        DistributionIT.Run run = run("-c", "model:register tiny model_type=text_generation name=stories260K path="
            + MODELS.resolve("stories260K.gguf"));
        assertThat(run.status()).as(run.err()).isZero();
        server.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static DistributionIT.Run run(String... args) throws Exception {
        return server.run(args);
    }

    static String output() {
        return server.output();
    }

    static HttpResponse<String> get(String path, String... headers) throws IOException {
        return server.get(path, headers);
    }

    static HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException {
        return server.send(method, path, body, headers);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return DistributionServer.json(response);
    }

    static JsonNode model(String id) throws IOException {
        return json(get("/api/v1/models/" + id));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        server.await(what, timeout, condition);
    }

    private static OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("not-needed-on-loopback")
            .build();
    }

    @Test
    @Order(1)
    void theDefaultConfigurationServesTheDeclaredModelsAndTheShellRegistrationCameBack() throws Exception {
        JsonNode minilm = model("minilm");
        assertThat(minilm.get("status").asText()).isEqualTo("LOADED");
        assertThat(minilm.get("provider").asText()).isEqualTo("djl");
        assertThat(minilm.get("requesters")).extracting(JsonNode::asText)
            .containsExactly("config:minilm", "dev.modelmanager.examples");
        JsonNode stories = model("stories");
        assertThat(stories.get("status").asText()).as("a Hub model, offline and not cached").isEqualTo("FAILED");
        assertThat(stories.get("reason").asText()).contains("offline");
        assertThat(model("tiny").get("requesters")).extracting(JsonNode::asText).containsExactly("shell");
        JsonNode health = json(get("/health"));
        assertThat(health.get("ready").asBoolean()).isTrue();
        assertThat(health.get("providers")).extracting(JsonNode::asText).contains("djl", "llamacpp");
    }

    @Test
    @Order(2)
    void theManagementApiRegistersLoadsSwitchesAndReports() throws Exception {
        HttpResponse<String> registered = send("POST", "/api/v1/models", """
            {"id": "sentiment", "requirement": {"model_type": "classification", "name": "tiny-bert-sentiment",
             "path": "%s"}}""".formatted(MODELS.resolve("tiny-bert-sentiment")));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode loaded = json(send("POST", "/api/v1/models/sentiment/load", "{\"timeout_seconds\": 60}"));
        assertThat(loaded.get("status").asText()).as(loaded.toString()).isEqualTo("LOADED");
        JsonNode caps = json(get("/api/v1/models/sentiment/capabilities"));
        assertThat(caps.get("detected_from_loaded_model")).extracting(JsonNode::asText)
            .contains("labels:NEGATIVE,POSITIVE");
        assertThat(caps.get("declared_in_catalog")).as("the examples bundle's catalog file")
            .extracting(JsonNode::asText).contains("classification");
        assertThat(send("PUT", "/api/v1/models/current", "{\"model\": \"tiny\"}").statusCode()).isEqualTo(200);
        assertThat(json(get("/api/v1/models/current")).get("model").asText()).isEqualTo("tiny");
        assertThat(json(get("/api/v1/models/loaded")).get("models")).extracting(m -> m.get("id").asText())
            .contains("minilm", "sentiment");
        assertThat(json(get("/api/v1/providers")).get("providers")).extracting(p -> p.get("name").asText())
            .containsExactly("djl", "llamacpp", "remote");
        assertThat(json(get("/api/v1/statistics")).get("by_status").get("LOADED").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void theOfficialOpenAiClientEmbedsAndStreamsAChat() throws Exception {
        OpenAIClient client = openAi();
        JsonNode reference = JSON.readTree(MODELS.resolve("reference/all-minilm-l6-v2-q.json").toFile()).get(1);
        CreateEmbeddingResponse embeddings = client.embeddings().create(EmbeddingCreateParams.builder()
            .model("minilm").input(reference.get("input").asText()).build());
        List<Float> vector = embeddings.data().get(0).embedding();
        assertThat(vector).hasSize(384);
        double dot = 0;
        double a = 0;
        double b = 0;
        for (int i = 0; i < 384; i++) {
            double x = vector.get(i);
            double y = reference.get("embedding").get(i).asDouble();
            dot += x * y;
            a += x * x;
            b += y * y;
        }
        assertThat(dot / Math.sqrt(a * b)).as("cosine to the reference vector").isGreaterThan(0.995);

        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("tiny")
            .addUserMessage("Once upon a time").maxCompletionTokens(24).temperature(0.0).build();
        ChatCompletion whole = client.chat().completions().create(params);
        String expected = whole.choices().get(0).message().content().orElseThrow();
        assertThat(expected).isNotBlank();
        StringBuilder streamed = new StringBuilder();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append));
            }
        }
        assertThat(chunks).as("streamed piece by piece").isGreaterThan(5);
        assertThat(streamed.toString()).isEqualTo(expected);
        // "default" routes to the current model.
        assertThat(client.chat().completions().create(params.toBuilder().model("default").build())
            .choices().get(0).message().content().orElseThrow()).isEqualTo(expected);

        // The next turn of the conversation finds the first in its slot's cache.
        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
            .addUserMessage("Once upon a time").addAssistantMessage(expected).addUserMessage("What happened next?")
            .maxCompletionTokens(8).temperature(0.0).build());
        long prompt = second.usage().orElseThrow().promptTokens();
        long cached = second.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
        assertThat(cached).as("cached prompt tokens of turn 2 (of %d)", prompt).isPositive().isLessThan(prompt);
    }

    /** What the official client's structured outputs parse the answer into. */
    enum Mood { HAPPY, SAD, SLEEPY }

    record Pet(Mood mood, int legs, boolean sleeping) {
    }

    @Test
    @Order(3)
    void theOfficialClientsStructuredOutputsGetJsonOfTheirSchema() {
        // openai-java makes the schema from the class (strict, every field required) and parses the answer into it:
        // the llama.cpp model, a story writer, answers in that shape because every token is sampled under it.
        OpenAIClient client = openAi();
        for (double temperature : new double[] {0.0, 0.8}) {
            StructuredChatCompletion<Pet> answer = client.chat().completions().create(ChatCompletionCreateParams
                .builder().model("tiny").addUserMessage("Tell me about the cat.").maxCompletionTokens(64)
                .temperature(temperature).seed(7L).responseFormat(Pet.class).build());
            Pet pet = answer.choices().get(0).message().content().orElseThrow();
            assertThat(pet.mood()).isNotNull();
            assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        }
    }

    @Test
    @Order(4)
    void badInputGetsClearErrorsAndEverythingElseKeepsServing() throws Exception {
        HttpResponse<String> malformed = send("POST", "/v1/embeddings", "{\"model\": \"minilm\", \"input\": [\"a\",");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").get("type").asText()).isEqualTo("invalid_request_error");
        HttpResponse<String> wrongType = send("POST", "/v1/chat/completions",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": \"ten\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("error").get("param").asText()).isEqualTo("max_tokens");
        HttpResponse<String> beyondContext = send("POST", "/v1/chat/completions",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 1000000000}");
        assertThat(beyondContext.statusCode()).isEqualTo(400);
        assertThat(json(beyondContext).get("error").get("param").asText()).isEqualTo("max_tokens");
        assertThat(json(beyondContext).get("error").get("message").asText())
            .contains("max_tokens 1000000000 exceed the model's context per slot");
        HttpResponse<String> beyondContextNewName = send("POST", "/v1/chat/completions", "{\"model\": \"tiny\", "
            + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_completion_tokens\": 1000000000}");
        assertThat(json(beyondContextNewName).get("error").get("param").asText()).as("the field the client sent")
            .isEqualTo("max_completion_tokens");
        HttpResponse<String> unknown = send("POST", "/v1/embeddings", "{\"model\": \"nope\", \"input\": \"a\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").get("code").asText()).isEqualTo("model_not_found");
        HttpResponse<String> oversize = send("POST", "/v1/embeddings",
            "{\"model\": \"minilm\", \"input\": \"" + "word ".repeat(900_000) + "\"}");
        assertThat(oversize.statusCode()).isEqualTo(413);
        HttpResponse<String> badRequirement = send("POST", "/api/v1/models",
            "{\"id\": \"x\", \"requirement\": {\"model_type\": \"embedding\", \"name\": \"a/b\", \"dimensoin\": 3}}");
        assertThat(badRequirement.statusCode()).isEqualTo(400);
        assertThat(json(badRequirement).get("error").get("message").asText()).contains("dimensoin: unknown key");
        // Nothing else disturbed.
        assertThat(send("POST", "/v1/embeddings", "{\"model\": \"minilm\", \"input\": \"still here\"}").statusCode())
            .isEqualTo(200);
        assertThat(get("/metrics").body()).as("/metrics counts the refusals")
            .contains("modelmanager_http_requests_total{face=\"openai\",code=\"413\"}");
    }

    @Test
    @Order(5)
    void commandsRunBesideTheServerRunInsideIt() throws Exception {
        DistributionIT.Run run = run("-c", "model:list", "-c", "model:register reverse2 model_type=text2text "
            + "name=tiny-t5-en-fr path=" + MODELS.resolve("tiny-t5-en-fr"), "-c", "model:transform reverse2 "
            + "'translate English to French: the black cat eats the fish'");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).as("the server's registry, with the shell's and REST's models").contains("minilm")
            .contains("tiny").contains("sentiment").contains("le chat noir mange le poisson");
        assertThat(run.err()).isEmpty();
        assertThat(model("reverse2").get("requesters")).extracting(JsonNode::asText).containsExactly("shell");
        assertThat(run("-c", "model:release reverse2").status()).isZero();
        assertThat(run("-c", "model:info nope").status()).as("failures keep their exit status").isEqualTo(1);
    }

    @Test
    @Order(6)
    void aProviderDroppedIntoDeployIsUsableAndGoesWhenRemoved() throws Exception {
        Path jar = home.resolve("deploy/test-support.jar");
        Files.copy(Path.of(System.getProperty("test.support.jar")), jar, StandardCopyOption.REPLACE_EXISTING);
        await("the test provider arrived", Duration.ofSeconds(30), () -> providers().contains("test"));
        assertThat(send("POST", "/api/v1/models", """
            {"id": "reverse", "requirement": {"model_type": "text2text", "name": "org/reverse", "provider": "test"}}""")
            .statusCode()).isEqualTo(201);
        assertThat(send("POST", "/api/v1/models/reverse/load", null).statusCode()).isEqualTo(200);
        Files.delete(jar);
        await("the test provider left", Duration.ofSeconds(30), () -> !providers().contains("test"));
        await("its model waits for a provider", Duration.ofSeconds(10), () -> {
            try {
                return model("reverse").get("status").asText().equals("WAITING_FOR_PROVIDER");
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(send("DELETE", "/api/v1/models/reverse", null).statusCode()).isEqualTo(200);
    }

    private static List<String> providers() {
        try {
            List<String> names = new ArrayList<>();
            json(get("/api/v1/providers")).get("providers").forEach(p -> names.add(p.get("name").asText()));
            return names;
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    @Order(7)
    void afterASigkillTheRegistrationsComeBackAndAnApiKeyIsEnforcedWhenSet() throws Exception {
        server.kill();
        server.start(Map.of("MODELMANAGER_API_KEY", "e2e-secret"));
        String[] key = {"Authorization", "Bearer e2e-secret"};
        assertThat(get("/api/v1/models").statusCode()).as("no key").isEqualTo(401);
        assertThat(get("/api/v1/models", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        JsonNode sentiment = json(get("/api/v1/models/sentiment", key));
        assertThat(sentiment.get("requesters")).extracting(JsonNode::asText).containsExactly("rest");
        assertThat(json(get("/api/v1/models/tiny", key)).get("requesters")).extracting(JsonNode::asText)
            .containsExactly("shell");
        assertThat(json(get("/api/v1/models/current", key)).get("model").asText()).isEqualTo("tiny");
        assertThat(json(get("/api/v1/models/reverse", key)).has("error")).as("released before the kill").isTrue();
        HttpResponse<String> classified = send("POST", "/api/v1/models/sentiment/load", null, key);
        assertThat(classified.statusCode()).isEqualTo(200);
        String state = Files.readString(home.resolve("data/state.json"), StandardCharsets.UTF_8);
        assertThat(state).doesNotContain("e2e-secret");
        assertThat(output()).doesNotContain("e2e-secret");
    }


}
