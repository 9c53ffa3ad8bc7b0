package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;

/**
 * A seeded fuzz pass over the request schemas of every endpoint that takes a body (and the query parameters of the
 * catalog and the model list): random types and sizes per field, against the real servlets and a real manager with
 * the test provider. No answer may be a 5xx, and every 4xx is the faces' JSON error naming the field (or, for a body
 * that is not an object at all, saying so). The seed is printed; {@code -Dfuzz.seed=N} replays a run and
 * {@code -Dfuzz.requests=N} changes its length (10,000 by default, about half a minute).
 */
class RestFuzzTest {
    private static final List<String> KNOWN_MODELS = List.of("docs", "story", "t2t", "clf", "writer", "default");
    /** Errors that concern the request as a whole, not one field. */
    private static final List<String> WHOLE_REQUEST_CODES = List.of("not_found", "method_not_allowed",
        "request_too_large", "unsupported_media_type");

    private RestServer rest;
    private JsonFuzz fuzz;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One endpoint: how to call it with a valid body, and the fields to vary. */
    private record Endpoint(Function<JsonFuzz, String> method, Function<JsonFuzz, String> path,
                            Function<JsonFuzz, ObjectNode> valid, List<String> fields) {
        Endpoint(String method, Function<JsonFuzz, String> path, Function<JsonFuzz, ObjectNode> valid,
                 List<String> fields) {
            this(f -> method, path, valid, fields);
        }
    }

    @BeforeEach
    void start() throws Exception {
        rest = new RestServer();
        registerKnownModels();
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
    }

    private void registerKnownModels() {
        rest.manager.register("docs", ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/x")
            .dimension(384).build(), "fuzz");
        rest.manager.register("story", ModelRequirement.builder(ModelType.TEXT_GENERATION, "ggml-org/models").build(),
            "fuzz");
        rest.manager.register("t2t", ModelRequirement.builder(ModelType.TEXT2TEXT, "test/t5").build(), "fuzz");
        rest.manager.register("clf", ModelRequirement.builder(ModelType.CLASSIFICATION, "test/bert").build(), "fuzz");
        if (!rest.manager.aliases().containsKey("writer")) {
            rest.manager.switchAlias("writer", "story", Duration.ofSeconds(10));
        }
    }

    private static ObjectNode body(Object... keyValues) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.set((String) keyValues[i], Json.MAPPER.valueToTree(keyValues[i + 1]));
        }
        return o;
    }

    /** A path parameter: a known id most of the time, else an odd one (encoded; never '/', which Jetty refuses). */
    private static String id(JsonFuzz f) {
        String id = f.chance(0.7) ? f.pick(KNOWN_MODELS) : uriSafe(f.text(), 200);
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "-")
            .replace("%25", "-").replace("%5C", "-").replace(".", "_");
    }

    /**
     * Text Jetty passes to servlets: no control characters (it refuses them, and URIs over 8 KiB, with its own HTML
     * page before any servlet or error page runs; see the README), never empty (an empty segment is ambiguous).
     */
    private static String uriSafe(String text, int max) {
        String s = text.codePoints().filter(c -> c >= 0x20 && c != 0x7F)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        s = s.length() > max ? s.substring(0, max) : s;
        return s.isBlank() ? "x" : s;
    }

    private static List<Endpoint> endpoints() {
        return List.of(
            new Endpoint("POST", f -> "/v1/embeddings", f -> body("model", f.pick(List.of("docs", "clf")), "input",
                f.chance(0.5) ? "hello" : List.of("a", "b")), List.of("model", "input", "encoding_format", "dimensions",
                "prompt_name", "truncate", "user")),
            new Endpoint("POST", f -> "/v1/chat/completions", f -> body("model", f.pick(List.of("story", "writer",
                "t2t")), "messages", List.of(Map.of("role", "user", "content", "one two three"))), List.of("model",
                "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "seed", "stop",
                "n", "stream", "stream_options")),
            new Endpoint("POST", f -> "/v1/completions", f -> body("model", f.pick(List.of("story", "t2t")), "prompt",
                "a b c"), List.of("model", "prompt", "max_tokens", "temperature", "top_p", "stop", "stream", "seed",
                "n", "stream_options")),
            new Endpoint("POST", f -> "/v1/rerank", f -> body("model", f.pick(List.of("docs", "clf")), "query", "cats",
                "documents", List.of("cats sleep", Map.of("text", "dogs bark"))), List.of("model", "query", "documents",
                "texts", "top_n", "return_documents")),
            new Endpoint("POST", f -> "/api/v1/models", f -> body("id", "fz-" + f.below(50), "requirement",
                Map.of("model_type", f.pick(List.of("embedding", "text_generation")), "name", "test/fuzz")),
                List.of("id", "requirement", "requester")),
            new Endpoint("POST", f -> "/api/v1/models/" + id(f) + "/load", f -> body("timeout_seconds", 10),
                List.of("timeout_seconds")),
            new Endpoint("POST", f -> "/api/v1/models/" + id(f) + "/unload", f -> body(), List.of("x")),
            new Endpoint("POST", f -> "/api/v1/models/" + id(f) + "/profile", f -> body("requests", 2),
                List.of("requests", "testCount")),
            new Endpoint(f -> f.chance(0.5) ? "PUT" : "POST", f -> f.chance(0.5) ? "/api/v1/models/switch"
                : "/api/v1/models/current", f -> body("model", f.pick(KNOWN_MODELS)), List.of("model")),
            new Endpoint(f -> f.chance(0.5) ? "PUT" : "POST", f -> "/api/v1/aliases/" + (f.chance(0.5) ? "fz-alias"
                : id(f)), f -> body("model", f.pick(KNOWN_MODELS), "timeout_seconds", 5), List.of("model",
                "timeout_seconds")));
    }


    /** Inside the body: a chat message's fields, and the requirement's keys, are varied too. */
    private ObjectNode nestedMutations(String path, ObjectNode body) {
        if (path.equals("/v1/chat/completions") && body.get("messages") instanceof com.fasterxml.jackson.databind.node.ArrayNode m
            && !m.isEmpty() && m.get(0) instanceof ObjectNode first && fuzz.chance(0.4)) {
            m.set(0, fuzz.mutate(first, List.of("role", "content", "name")));
        }
        if (path.equals("/api/v1/models") && body.get("requirement") instanceof ObjectNode r && fuzz.chance(0.6)) {
            List<String> keys = new ArrayList<>(dev.modelmanager.api.RequirementProperties.KNOWN);
            keys.add("option.fuzz");
            body.set("requirement", fuzz.mutate(r, keys));
        }
        return body;
    }

    /** A request and its answer, for the failure message. */
    private record Exchange(String method, String path, String body, int status, String answer) {
        @Override
        public String toString() {
            String shown = body == null ? "" : body.length() > 400 ? body.substring(0, 400) + "..." : body;
            String said = answer.length() > 600 ? answer.substring(0, 600) + "..." : answer;
            return method + " " + path + " " + shown + "\n  -> " + status + " " + said;
        }
    }

    private Exchange send(String method, String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rest.base + path)).timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // No answer at all (the connection closed under the client): as wrong as a 5xx.
            return new Exchange(method, path, body == null ? null : new String(body, StandardCharsets.UTF_8), 0,
                "no answer: " + e);
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        return new Exchange(method, path, body == null ? null : new String(body, StandardCharsets.UTF_8),
            r.statusCode(), type + " " + r.body());
    }

    /** A 4xx is the faces' JSON error, naming the field unless it is about the request as a whole. */
    private static String problemWith(Exchange x) {
        if (x.status() >= 500 || x.status() == 0) {
            return x.status() == 0 ? "no answer" : "a server error";
        }
        if (x.status() < 400) {
            return null;
        }
        String answer = x.answer();
        if (!answer.startsWith("application/json")) {
            return "not JSON";
        }
        JsonNode error;
        try {
            error = Json.MAPPER.readTree(answer.substring(answer.indexOf(' ') + 1)).path("error");
        } catch (Exception e) {
            return "not parseable JSON";
        }
        if (error.path("message").asText().isBlank()) {
            return "no message";
        }
        boolean named = error.hasNonNull("param") && !error.get("param").asText().isBlank();
        boolean whole = WHOLE_REQUEST_CODES.contains(error.path("code").asText())
            || error.path("message").asText().startsWith("the body") || error.path("message").asText()
            .startsWith("the request needs");
        return named || whole ? null : "no field named (" + error.path("code").asText() + ")";
    }

    @Test
    void noRequestGetsAServerErrorAndEveryRefusalNamesItsField() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("fuzz.requests", 10_000);
        System.out.println("RestFuzzTest seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
        fuzz = new JsonFuzz(new Random(seed));
        List<Endpoint> endpoints = endpoints();
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < requests && failures.size() < 20; i++) {
            if (i % 500 == 0) {
                registerKnownModels(); // what the fuzz released or re-pointed, back
            }
            Exchange x;
            int kind = fuzz.below(100);
            if (kind < 8) {
                x = send("GET", query(), null, null);
            } else {
                Endpoint e = fuzz.pick(endpoints);
                String method = e.method().apply(fuzz);
                String path = e.path().apply(fuzz);
                byte[] body;
                String type = "application/json";
                if (kind < 11) {
                    body = raw();
                    type = fuzz.chance(0.8) ? type : fuzz.pick(List.of("text/plain", "application/json; charset=latin1",
                        "application/x-www-form-urlencoded"));
                } else if (kind < 16) {
                    body = Json.MAPPER.writeValueAsBytes(fuzz.value(4));
                } else {
                    ObjectNode valid = e.valid().apply(fuzz);
                    ObjectNode mutated = kind < 22 ? valid : nestedMutations(path, fuzz.mutate(valid, e.fields()));
                    body = Json.MAPPER.writeValueAsBytes(mutated);
                }
                x = send(method, path, body, type);
            }
            statuses.merge(x.method() + " " + x.path().replaceAll("/models/[^/]+/", "/models/{id}/")
                .replaceAll("/aliases/.*", "/aliases/{alias}").replaceAll("\\?.*", "") + " " + x.status(), 1,
                Integer::sum);
            String problem = problemWith(x);
            if (problem != null) {
                failures.add("#" + i + " " + problem + ": " + x);
            }
        }
        System.out.println("RestFuzzTest answers: " + statuses);
        assertThat(failures).as("seed " + seed + ": requests answered wrongly").isEmpty();
    }

    /** A GET with random query parameters: the catalog's and the model list's filters. */
    private String query() {
        String base = fuzz.pick(List.of("/api/v1/catalog", "/api/v1/catalog/compare", "/api/v1/models",
            "/api/v1/models/loaded", "/api/v1/statistics"));
        StringBuilder q = new StringBuilder();
        for (String name : List.of("capability", "min_context_window", "model_type", "provider", "models", "status")) {
            if (fuzz.chance(0.4)) {
                String v = fuzz.chance(0.3) ? fuzz.pick(List.of("vision", "8000", "-1", "99999999999", "embedding",
                    "openai", "gpt-4o,small", "LOADED", "")) : uriSafe(fuzz.text(), 300);
                q.append(q.isEmpty() ? "?" : "&").append(name).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return base + q;
    }

    /** Bytes that are not quite JSON: cut short, invalid UTF-8, empty, huge, deep. */
    private byte[] raw() throws Exception {
        return switch (fuzz.below(7)) {
            case 0 -> new byte[0];
            case 1 -> "{\"model\": \"docs\", \"input\": [".getBytes(StandardCharsets.UTF_8);
            case 2 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            case 3 -> ("{\"model\": \"docs\", \"input\": \"" + "x".repeat((4 << 20) + 10) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
            case 4 -> Json.MAPPER.writeValueAsBytes(body("model", "docs", "input", fuzz.nested(60 + fuzz.below(40))));
            case 5 -> ("{\"model\": \"docs\"} trailing").getBytes(StandardCharsets.UTF_8);
            default -> ("{\"" + "k".repeat(1000 + fuzz.below(2000)) + "\": 1}").getBytes(StandardCharsets.UTF_8);
        };
    }
}
