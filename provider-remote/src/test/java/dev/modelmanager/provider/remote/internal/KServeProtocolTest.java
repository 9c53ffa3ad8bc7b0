package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.json;
import static dev.modelmanager.provider.remote.internal.RemoteFixture.remote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;

/**
 * The KServe Open Inference Protocol v2 through a real manager, against a local server answering as Triton does:
 * health and model readiness (empty 200s), model metadata, {@code /infer} with JSON tensors (BYTES in, flat
 * row-major FP32 out), the repository index.
 */
class KServeProtocolTest {
    private RemoteFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new RemoteFixture();
        f.server.on("GET /v2/health/ready", (r, x) -> {
            x.sendResponseHeaders(200, -1);
        });
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /**
     * The typed error behind a failure: thrown as it is by a call run on the caller's thread, the cause of the copy
     * the manager throws again on the caller's thread otherwise (load failures).
     */
    static TensorException tensorError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TensorException te) {
                return te;
            }
        }
        throw new AssertionError("no TensorException behind " + failure, failure);
    }

    /** A model's readiness (an empty 200, as Triton answers) and metadata. */
    private void model(String name, String inputs, String outputs) {
        f.server.on("GET /v2/models/" + name + "/ready", (r, x) -> x.sendResponseHeaders(200, -1))
            .on("GET /v2/models/" + name, (r, x) -> json(x, 200, "{\"name\": \"" + name + "\", \"versions\": [\"1\"], "
                + "\"platform\": \"python\", \"inputs\": " + inputs + ", \"outputs\": " + outputs + "}"));
    }

    /** An answer with one FP32 output of the given shape and flat data. */
    private static String answer(String model, String output, int rows, int width, double... data) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode().put("model_name", model).put("model_version", "1");
        ObjectNode tensor = body.putArray("outputs").addObject().put("name", output).put("datatype", "FP32");
        tensor.putArray("shape").add(rows).add(width);
        ArrayNode values = tensor.putArray("data");
        for (double d : data) {
            values.add(d);
        }
        return body.toString();
    }

    /** Embeds each text as [length, first character, 1], flat row-major. */
    private void embedder() {
        model("emb", "[{\"name\": \"TEXT\", \"datatype\": \"BYTES\", \"shape\": [-1, 1]}]",
            "[{\"name\": \"embedding\", \"datatype\": \"FP32\", \"shape\": [-1, 3]}]");
        f.server.on("POST /v2/models/emb/infer", (r, x) -> {
            JsonNode data = r.json().path("inputs").get(0).path("data");
            double[] flat = new double[data.size() * 3];
            for (int i = 0; i < data.size(); i++) {
                flat[3 * i] = data.get(i).asText().length();
                flat[3 * i + 1] = data.get(i).asText().charAt(0);
                flat[3 * i + 2] = 1;
            }
            json(x, 200, answer("emb", "embedding", data.size(), 3, flat));
        });
    }

    @Test
    void anEmbedderGetsTextsAsABytesTensorAndReadsTheRowsAndTheRepositoryIndexIsDiscovered() throws Exception {
        embedder();
        f.server.on("POST /v2/repository/index", (r, x) -> json(x, 200, "[{\"name\": \"emb\", \"version\": \"1\", "
            + "\"state\": \"READY\"}, {\"name\": \"sentiment\", \"version\": \"1\", \"state\": \"READY\"}, "
            + "{\"name\": \"broken\", \"state\": \"UNAVAILABLE\", \"reason\": \"load failed\"}]"));
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 5);
        f.manager.register("e", remote(ModelType.EMBEDDING, "triton", "emb").build(), "t");
        List<float[]> vectors = f.manager.embed("e", List.of("a", "bcd")).vectors();
        assertThat(vectors.get(0)).containsExactly(1, 'a', 1);
        assertThat(vectors.get(1)).containsExactly(3, 'b', 1);
        JsonNode sent = f.server.requests("POST /v2/models/emb/infer").get(1).json();
        assertThat(sent.path("inputs").toString())
            .isEqualTo("[{\"name\":\"TEXT\",\"shape\":[2,1],\"datatype\":\"BYTES\",\"data\":[\"a\",\"bcd\"]}]");
        assertThat(sent.path("outputs").toString()).isEqualTo("[{\"name\":\"embedding\"}]");
        assertThat(f.server.requests("GET /v2/health/ready")).isNotEmpty();
        assertThat(f.manager.info("e").details()).containsEntry("kserve.input", "TEXT [-1, 1]")
            .containsEntry("kserve.output", "embedding").containsEntry("kserve.platform", "python");

        f.awaitEntries(2);
        assertThat(f.provider.entries()).extracting(CatalogEntry::name).containsExactlyInAnyOrder("emb", "sentiment");
        assertThat(f.provider.entries()).filteredOn(e -> e.name().equals("sentiment")).singleElement()
            .extracting(CatalogEntry::modelType).isEqualTo(ModelType.CLASSIFICATION);
    }

    @Test
    void callsLargerThanTritonsMaxBatchSizeAreSentInSlicesAndJoinedInOrder() {
        embedder();
        f.server.on("GET /v2/models/emb/config", (r, x) -> json(x, 200, "{\"name\": \"emb\", \"max_batch_size\": 2}"));
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 5);
        f.manager.register("e", remote(ModelType.EMBEDDING, "triton", "emb").build(), "t");
        List<String> texts = List.of("a", "bb", "ccc", "dddd", "eeeee");
        List<float[]> vectors = f.manager.embed("e", texts).vectors();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)).containsExactly(i + 1, 'a' + i, 1);
        }
        assertThat(f.manager.info("e").details()).containsEntry("kserve.max_batch_size", "2");
        assertThat(f.server.requests("POST /v2/models/emb/infer")).extracting(q -> q.json().path("inputs").get(0)
            .path("data").size()).endsWith(2, 2, 1).allMatch(n -> n <= 2);

        // the option wins (0: no limit); a server without the configuration extension sets none
        f.manager.register("whole", remote(ModelType.EMBEDDING, "triton", "emb").option("max_batch_size", "0").build(),
            "t");
        assertThat(f.manager.embed("whole", List.of("x1", "x2", "x3", "x4", "x5", "x6")).vectors()).hasSize(6);
        List<FakeServer.Request> sent = f.server.requests("POST /v2/models/emb/infer");
        assertThat(sent.get(sent.size() - 1).json().path("inputs").get(0).path("data").size()).isEqualTo(6);
        assertThat(f.manager.info("whole").details()).containsEntry("kserve.max_batch_size", "none");
    }

    @Test
    void discoveryFallsBackToTheModelListThenToNothing() {
        AtomicReference<String> models = new AtomicReference<>("{\"models\": [\"a\", \"b\"]}");
        f.server.on("GET /v2/models", (r, x) -> {
            if (models.get() == null) {
                json(x, 404, "{\"error\": \"not found\"}");
            } else {
                json(x, 200, models.get());
            }
        });
        f.endpoint("kserve", EndpointSettings.Kind.KSERVE, 0, 5);
        assertThat(f.provider.refresh()).isEmpty();
        assertThat(f.provider.entries()).extracting(CatalogEntry::name).containsExactlyInAnyOrder("a", "b");
        assertThat(f.server.requests("POST /v2/repository/index")).as("tried first").isNotEmpty();
        models.set(null);
        assertThat(f.provider.refresh()).as("best effort: no index and no list is no failure").isEmpty();
        assertThat(f.provider.entries()).isEmpty();

        // A server that cannot be reached is a failure of discovery, not an empty list.
        f.provider.add(new RemoteEndpoint(EndpointSettings.of("down", EndpointSettings.Kind.KSERVE,
            "http://127.0.0.1:9", null).withRetries(0, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)),
            f.sleeps::add));
        assertThat(f.provider.refresh()).containsKey("endpoint:down").doesNotContainKey("endpoint:kserve");
    }

    /** Two outputs: logits [n, 2] (positive when the text says "good") and an unused hidden state. */
    private void classifier() {
        model("sentiment", "[{\"name\": \"text\", \"datatype\": \"BYTES\", \"shape\": [-1]}]",
            "[{\"name\": \"hidden\", \"datatype\": \"FP32\", \"shape\": [-1, 4]}, "
                + "{\"name\": \"logits\", \"datatype\": \"FP32\", \"shape\": [-1, 2]}]");
        f.server.on("POST /v2/models/sentiment/infer", (r, x) -> {
            JsonNode data = r.json().path("inputs").get(0).path("data");
            double[] flat = new double[data.size() * 2];
            for (int i = 0; i < data.size(); i++) {
                boolean good = data.get(i).asText().contains("good");
                flat[2 * i] = good ? -1 : 2;
                flat[2 * i + 1] = good ? 1 : 0;
            }
            json(x, 200, answer("sentiment", r.json().path("outputs").get(0).path("name").asText(), data.size(), 2,
                flat));
        });
    }

    @Test
    void aClassifierReadsTheNamedLogitsOutputAsSoftmaxedLabels() {
        classifier();
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 5);
        f.manager.register("s", remote(ModelType.CLASSIFICATION, "triton", "sentiment").option("output", "logits")
            .option("labels", "negative, positive").build(), "t");
        ClassificationResult result = f.manager.classify("s", List.of("a good day", "a bad day"));
        LabelScore good = result.classifications().get(0).top();
        assertThat(good.label()).isEqualTo("positive");
        assertThat(good.score()).isCloseTo(Math.exp(1) / (Math.exp(1) + Math.exp(-1)), within(1e-6));
        assertThat(result.classifications().get(1).top().label()).isEqualTo("negative");
        assertThat(result.classifications().get(1).top().score()).isCloseTo(Math.exp(2) / (Math.exp(2) + 1),
            within(1e-6));
        JsonNode sent = f.server.requests("POST /v2/models/sentiment/infer").get(0).json();
        assertThat(sent.path("inputs").get(0).path("shape").toString()).as("the declared rank: [-1]").isEqualTo("[2]");
        assertThat(sent.path("outputs").get(0).path("name").asText()).isEqualTo("logits");

        // Labels that do not fit the output are refused at load, naming the tensor.
        f.manager.register("bad", remote(ModelType.CLASSIFICATION, "triton", "sentiment").option("output", "logits")
            .option("labels", "a,b,c").build(), "t");
        assertThatThrownBy(() -> f.manager.classify("bad", List.of("x"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(e.field()).isEqualTo("logits");
                assertThat(tensorError(e).tensor()).isEqualTo("logits");
                assertThat(e.getMessage()).contains("3 labels but output 'logits' has 2 scores");
            });
        // Without the option the only floating point outputs are both candidates: the first is taken.
        f.manager.register("hidden", remote(ModelType.CLASSIFICATION, "triton", "sentiment")
            .option("output", "nope").build(), "t");
        assertThatThrownBy(() -> f.manager.classify("hidden", List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(tensorError(e).tensor()).isEqualTo("nope");
                assertThat(e.getMessage()).contains("no output 'nope'").contains("hidden (FP32), logits (FP32)");
            });
    }

    @Test
    void aCrossEncoderWithTwoTextInputsServesTheManagersRerank() {
        model("ce", "[{\"name\": \"query\", \"datatype\": \"BYTES\", \"shape\": [-1, 1]}, "
                + "{\"name\": \"document\", \"datatype\": \"BYTES\", \"shape\": [-1, 1]}]",
            "[{\"name\": \"score\", \"datatype\": \"FP32\", \"shape\": [-1, 1]}]");
        f.server.on("POST /v2/models/ce/infer", (r, x) -> {
            JsonNode query = r.json().path("inputs").get(0).path("data");
            JsonNode docs = r.json().path("inputs").get(1).path("data");
            double[] logits = new double[docs.size()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = docs.get(i).asText().contains(query.get(i).asText()) ? 3 : -3 + i;
            }
            json(x, 200, answer("ce", "score", logits.length, 1, logits));
        });
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 5);
        f.manager.register("ce", remote(ModelType.CLASSIFICATION, "triton", "ce").build(), "t");
        RerankResult ranked = f.manager.rerank("ce", "cat", List.of("a dog", "a bird", "a cat"));
        assertThat(ranked.results()).extracting(RerankResult.Ranked::index).containsExactly(2, 1, 0);
        assertThat(ranked.results().get(0).score()).as("the sigmoid of one logit").isCloseTo(1 / (1 + Math.exp(-3)),
            within(1e-6));
        JsonNode sent = f.server.requests("POST /v2/models/ce/infer").get(0).json();
        assertThat(sent.path("inputs").get(1).path("name").asText()).isEqualTo("document");
        assertThat(sent.path("inputs").get(0).path("data").toString()).isEqualTo("[\"cat\",\"cat\",\"cat\"]");
        assertThat(f.manager.classifyPairs("ce", List.of(new TextPair("x", "xy"))).classifications().get(0).top()
            .label()).isEqualTo("LABEL_0");
    }

    @Test
    void anAnswerOfTheWrongShapeOrDatatypeIsATypedErrorNamingTheTensor() {
        embedder();
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 5);
        f.manager.register("e", remote(ModelType.EMBEDDING, "triton", "emb").build(), "t");
        f.manager.embed("e", List.of("load"));
        f.server.on("POST /v2/models/emb/infer", (r, x) -> json(x, 200, answer("emb", "embedding", 1, 4, 1, 2, 3)));
        assertThatThrownBy(() -> f.manager.embed("e", List.of("x"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INFERENCE_FAILED);
                assertThat(e.field()).isEqualTo("embedding");
                assertThat(tensorError(e).tensor()).isEqualTo("embedding");
                assertThat(e.getMessage()).contains("output tensor 'embedding'").contains("shape [1, 4], expected [1, 3]");
            });
        f.server.on("POST /v2/models/emb/infer", (r, x) -> json(x, 200, answer("emb", "embedding", 1, 3, 1, 2)));
        assertThatThrownBy(() -> f.manager.embed("e", List.of("y"))).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(tensorError(e).getMessage()).contains("has 2 values for its shape [1, 3] (3)"));
        f.server.on("POST /v2/models/emb/infer", (r, x) -> json(x, 200, answer("emb", "embedding", 1, 3, 1, 2, 3)
            .replace("FP32", "INT64")));
        assertThatThrownBy(() -> f.manager.embed("e", List.of("z"))).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(tensorError(e).getMessage()).contains("'embedding' that has datatype INT64"));
        f.server.on("POST /v2/models/emb/infer", (r, x) -> json(x, 200, answer("emb", "other", 1, 3, 1, 2, 3)));
        assertThatThrownBy(() -> f.manager.embed("e", List.of("w"))).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(tensorError(e).getMessage()).contains("without the output tensor 'embedding' (it sent: other)"));
    }

    @Test
    void aModelThatIsNotReadyOrHasNoTextInputFailsToLoad() {
        f.server.on("GET /v2/models/missing/ready", (r, x) -> json(x, 400, "{\"error\": \"Request for unknown "
            + "model: 'missing' is not found\"}"));
        model("image", "[{\"name\": \"pixels\", \"datatype\": \"FP32\", \"shape\": [-1, 3, 224, 224]}]",
            "[{\"name\": \"probs\", \"datatype\": \"FP32\", \"shape\": [-1, 1000]}]");
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 5);
        f.manager.register("m", remote(ModelType.EMBEDDING, "triton", "missing").build(), "t");
        assertThatThrownBy(() -> f.manager.embed("m", List.of("x"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(e.getMessage()).contains("model 'missing' is not ready").contains("unknown model");
            });
        f.manager.register("i", remote(ModelType.CLASSIFICATION, "triton", "image").build(), "t");
        assertThatThrownBy(() -> f.manager.classify("i", List.of("x"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(tensorError(e).tensor()).isEqualTo("inputs");
                assertThat(e.getMessage()).contains("lists no BYTES inputs (texts)").contains("pixels (FP32)");
            });
    }

    @Test
    void a503IsRetriedA400IsNotAndRepeatedFailuresOpenTheCircuit() {
        embedder();
        AtomicInteger calls = new AtomicInteger();
        f.server.on("POST /v2/models/emb/infer", (r, x) -> {
            int n = calls.incrementAndGet();
            if (n == 2) {
                json(x, 503, "{\"error\": \"model is busy\"}");
            } else if (n == 4) {
                json(x, 400, "{\"error\": \"unexpected shape for input 'TEXT'\"}");
            } else if (n >= 5) {
                json(x, 500, "{\"error\": \"CUDA error\"}");
            } else {
                json(x, 200, answer("emb", "embedding", 1, 3, 1, 2, 3));
            }
        });
        f.endpoint("triton", EndpointSettings.Kind.KSERVE, 1, 2);
        f.manager.register("e", remote(ModelType.EMBEDDING, "triton", "emb").build(), "t");
        assertThat(f.manager.embed("e", List.of("a")).vectors().get(0)).containsExactly(1, 2, 3);
        assertThat(calls.get()).as("the load's probe, the 503, its retry").isEqualTo(3);
        assertThat(f.sleeps).hasSize(1);

        assertThatThrownBy(() -> f.manager.embed("e", List.of("b"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.getMessage()).contains("HTTP 400: unexpected shape for input 'TEXT'");
            });
        assertThat(calls.get()).as("a 400 is not retried").isEqualTo(4);

        assertThatThrownBy(() -> f.manager.embed("e", List.of("c"))).hasMessageContaining("HTTP 500: CUDA error");
        assertThatThrownBy(() -> f.manager.embed("e", List.of("d"))).hasMessageContaining("calls fail at once");
        assertThat(calls.get()).as("a 500 and its retry open the circuit; then nothing is sent").isEqualTo(6);
        assertThat(f.provider.unavailableReason()).contains("triton: OPEN");
    }
}
