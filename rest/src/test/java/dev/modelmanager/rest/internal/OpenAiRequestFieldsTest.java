package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OpenAI request fields that would change the answer and that no model here honours are refused by name with
 * OpenAI's own error code, never silently dropped; the ones that are honoured keep working; answers carry the fields
 * strict clients require.
 */
class OpenAiRequestFieldsTest {
    private RestServer rest;

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer();
        HttpResponse<String> r = rest.call("POST", "/api/v1/models", """
            {"id": "story", "requirement": {"model_type": "text_generation", "name": "ggml-org/models"}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        r = rest.call("POST", "/api/v1/models", """
            {"id": "docs", "requirement": {"model_type": "embedding", "name": "sentence-transformers/all-MiniLM-L6-v2",
             "dimension": 384}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    private HttpResponse<String> chat(String extra) throws Exception {
        return rest.call("POST", "/v1/chat/completions", "{\"model\": \"story\", \"messages\": [{\"role\": \"user\", "
            + "\"content\": \"one two three\"}]" + (extra.isEmpty() ? "" : ", " + extra) + "}");
    }

    private HttpResponse<String> completion(String extra) throws Exception {
        return rest.call("POST", "/v1/completions", "{\"model\": \"story\", \"prompt\": \"a b\", " + extra + "}");
    }

    private static void refused(HttpResponse<String> r, String param, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = RestServer.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).startsWith(param + ":");
    }

    @Test
    void fieldsNoModelHonoursAreRefusedByName() throws Exception {
        refused(chat("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"weather\"}}]"), "tools",
            "unsupported_parameter");
        refused(chat("\"functions\": [{\"name\": \"weather\"}]"), "functions", "unsupported_parameter");
        refused(chat("\"tool_choice\": \"required\""), "tool_choice", "unsupported_parameter");
        refused(chat("\"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"weather\"}}"), "tool_choice",
            "unsupported_parameter");
        refused(chat("\"logprobs\": true"), "logprobs", "unsupported_parameter");
        refused(chat("\"logprobs\": true, \"top_logprobs\": 3"), "top_logprobs", "unsupported_parameter");
        refused(chat("\"frequency_penalty\": 0.5"), "frequency_penalty", "unsupported_parameter");
        refused(chat("\"presence_penalty\": -1"), "presence_penalty", "unsupported_parameter");
        refused(chat("\"logit_bias\": {\"50256\": -100}"), "logit_bias", "unsupported_parameter");
        refused(chat("\"modalities\": [\"text\", \"audio\"]"), "modalities", "unsupported_parameter");
        refused(completion("\"logprobs\": 2"), "logprobs", "unsupported_parameter");
        refused(completion("\"echo\": true"), "echo", "unsupported_parameter");
        refused(completion("\"suffix\": \"end\""), "suffix", "unsupported_parameter");
        refused(completion("\"best_of\": 3"), "best_of", "unsupported_parameter");
    }

    @Test
    void aFieldTheEndpointDoesNotKnowIsRefusedNotDropped() throws Exception {
        refused(chat("\"max_token\": 5"), "max_token", "unsupported_parameter"); // a typo would get the default
        refused(chat("\"reasoning_effort\": \"high\""), "reasoning_effort", "unsupported_parameter");
        refused(completion("\"messages\": []"), "messages", "unsupported_parameter");
        refused(rest.call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": \"a\", \"dimension\": 384}"),
            "dimension", "unsupported_parameter");
        refused(chat("\"stream_options\": {\"include_usage\": true}"), "stream_options", "invalid_value");
        HttpResponse<String> odd = chat("\"we\\u0001ird\": 1");
        assertThat(odd.statusCode()).isEqualTo(400);
        assertThat(RestServer.json(odd).get("error").get("param").asText()).isEqualTo("\"we\\u0001ird\"");
        assertThat(chat("\"reasoning_effort\": null, \"store\": false, \"metadata\": {\"a\": \"b\"}")
            .statusCode()).as("null counts as absent; no-op fields are taken").isEqualTo(200);
        assertThat(rest.call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": \"a\", \"user\": \"u\"}")
            .statusCode()).isEqualTo(200);
    }

    @Test
    void valuesOutsideOpenAisRangesAreRefusedWhereTheyStand() throws Exception {
        refused(chat("\"temperature\": 2.5"), "temperature", "invalid_value");
        assertThat(chat("\"temperature\": 2").statusCode()).isEqualTo(200);
        refused(chat("\"modalities\": \"audio\""), "modalities", "invalid_value");
        refused(rest.call("POST", "/v1/chat/completions", "{\"model\": \"story\", \"messages\": [{\"content\": "
            + "\"hi\"}]}"), "messages[0].role", "invalid_value");
    }

    @Test
    void theirNeutralValuesAndTheHonouredFieldsAreAccepted() throws Exception {
        HttpResponse<String> r = chat("\"tools\": [], \"tool_choice\": \"none\", \"response_format\": {\"type\": \"text\"},"
            + " \"logprobs\": false, \"frequency_penalty\": 0, \"presence_penalty\": 0.0, \"logit_bias\": {},"
            + " \"modalities\": [\"text\"], \"parallel_tool_calls\": false, \"user\": \"u-1\", \"max_completion_tokens\": 2,"
            + " \"stop\": [\"zzz\"], \"seed\": 9007199254740993");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode message = RestServer.json(r).get("choices").get(0).get("message");
        assertThat(message.get("content").asText()).isEqualTo("three two");
        assertThat(message.has("refusal")).as("required by the spec, null when there is none").isTrue();
        assertThat(message.get("refusal").isNull()).isTrue();

        // top_p 0 is in OpenAI's range: the likeliest token only, greedy decoding.
        assertThat(chat("\"top_p\": 0").statusCode()).isEqualTo(200);
        assertThat(completion("\"echo\": false, \"best_of\": 1, \"suffix\": \"\"").statusCode()).isEqualTo(200);
    }

    @Test
    void aShapeOfOutputIsReadAndAModelThatCannotHoldToItRefusesIt() throws Exception {
        // The test provider's model writes free text only: the manager refuses before it runs.
        for (String format : List.of("{\"type\": \"json_object\"}", "{\"type\": \"json_schema\", \"json_schema\": "
            + "{\"name\": \"person\", \"strict\": true, \"schema\": {\"type\": \"object\"}}}")) {
            for (HttpResponse<String> r : List.of(chat("\"response_format\": " + format),
                completion("\"response_format\": " + format))) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                JsonNode error = RestServer.json(r).get("error");
                assertThat(error.get("code").asText()).isEqualTo("capability_missing");
                assertThat(error.get("param").asText()).isEqualTo("response_format");
                assertThat(error.get("message").asText()).contains("cannot hold its output to json_");
            }
        }
        refused(chat("\"response_format\": {\"type\": \"yaml\"}"), "response_format.type", "unsupported_value");
        refused(chat("\"response_format\": {}"), "response_format.type", "invalid_value");
        refused(chat("\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\"}}"),
            "response_format.json_schema.schema", "invalid_value");
        refused(chat("\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"a b\", "
            + "\"schema\": {}}}"), "response_format.json_schema.name", "invalid_value");
        refused(chat("\"response_format\": \"json\""), "response_format", "invalid_value");
    }

    @Test
    void anOutputLimitErrorNamesTheFieldTheClientSent() throws Exception {
        HttpResponse<String> r = chat("\"max_completion_tokens\": 0");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(RestServer.json(r).get("error").get("param").asText()).isEqualTo("max_completion_tokens");
        assertThat(RestServer.json(r).get("error").get("message").asText()).contains("max_completion_tokens");
        r = chat("\"max_tokens\": -1");
        assertThat(RestServer.json(r).get("error").get("param").asText()).isEqualTo("max_tokens");
    }

    @Test
    void aConflictTellsTheOfficialClientsNotToRetry() throws Exception {
        HttpResponse<String> r = rest.call("POST", "/api/v1/models", """
            {"id": "story", "requirement": {"model_type": "text_generation", "name": "other/model"}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(chat("").headers().firstValue("x-should-retry")).isEmpty();
    }

    @Test
    void tokenArraysNameTheItemAndTheLangChainSetting() throws Exception {
        HttpResponse<String> r = rest.call("POST", "/v1/embeddings", "{\"model\": \"docs\", \"input\": [\"ok\", [101, 2023]]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = RestServer.json(r).get("error");
        assertThat(error.get("param").asText()).isEqualTo("input[1]");
        assertThat(error.get("message").asText()).contains("check_embedding_ctx_length=False");
        HttpResponse<String> prompt = rest.call("POST", "/v1/completions", "{\"model\": \"story\", \"prompt\": [[1, 2]]}");
        assertThat(prompt.statusCode()).isEqualTo(400);
        assertThat(RestServer.json(prompt).get("error").get("message").asText()).as("no embeddings hint on completions")
            .doesNotContain("OpenAIEmbeddings");
    }
}
