package dev.modelmanager.provider.remote.internal;

import static dev.modelmanager.provider.remote.internal.FakeServer.json;
import static dev.modelmanager.provider.remote.internal.RemoteFixture.remote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;

import dev.modelmanager.api.Classification;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;

/**
 * Hugging Face text-embeddings-inference through a real manager, against a local server that answers as TEI's
 * router does: {@code /info}, {@code /embed}, {@code /predict} (batches as {@code [[text], [text, pair]]}, each
 * input's predictions sorted by score), {@code /rerank} (sorted by score), and a 413 for a batch over
 * {@code max_client_batch_size}.
 */
class TeiProtocolTest {
    private RemoteFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new RemoteFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static String info(String id, String modelType, int batch) {
        return "{\"model_id\": \"" + id + "\", \"model_sha\": null, \"model_dtype\": \"float16\", \"model_type\": "
            + modelType + ", \"max_concurrent_requests\": 512, \"max_input_length\": 512, \"max_batch_tokens\": 16384,"
            + " \"max_batch_requests\": null, \"max_client_batch_size\": " + batch + ", \"auto_truncate\": false,"
            + " \"tokenization_workers\": 4, \"version\": \"1.8.0\", \"sha\": null, \"docker_label\": null}";
    }

    /** TEI refuses a batch over its limit with 413 and a validation error. */
    private static boolean overLimit(HttpExchange x, int size, int limit) throws Exception {
        if (size > limit) {
            json(x, 413, "{\"error\": \"batch size " + size + " > maximum allowed batch size " + limit
                + "\", \"error_type\": \"Validation\"}");
            return true;
        }
        return false;
    }

    private void embedServer(int batch) {
        f.server.on("GET /info", (r, x) -> json(x, 200, info("BAAI/bge-small-en-v1.5",
                "{\"embedding\": {\"pooling\": \"cls\"}}", batch)))
            .on("POST /embed", (r, x) -> {
                JsonNode inputs = r.json().path("inputs");
                if (overLimit(x, inputs.size(), batch)) {
                    return;
                }
                StringBuilder out = new StringBuilder("[");
                for (JsonNode t : inputs) {
                    String text = t.asText();
                    out.append(out.length() > 1 ? "," : "").append("[").append(text.length()).append(", ")
                        .append((int) text.charAt(0)).append(", 0.5]");
                }
                json(x, 200, out.append("]").toString());
            });
    }

    @Test
    void embedsInSlicesOfTheServersClientBatchSizeAndIsDiscovered() throws Exception {
        embedServer(2);
        f.endpoint("tei", EndpointSettings.Kind.TEI, 1, 5);
        f.manager.register("e", remote(ModelType.EMBEDDING, "tei", "BAAI/bge-small-en-v1.5").build(), "t");
        List<float[]> vectors = f.manager.embed("e", List.of("a", "bb", "ccc", "dddd", "eeeee")).vectors();
        assertThat(vectors).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(vectors.get(i)).containsExactly(i + 1, 'a' + i, 0.5f);
        }
        List<FakeServer.Request> embeds = f.server.requests("POST /embed");
        assertThat(embeds).as("the dimension probe, then 2 + 2 + 1").hasSize(4);
        assertThat(embeds.subList(1, 4)).extracting(r -> r.json().path("inputs").size()).containsExactly(2, 2, 1);
        assertThat(embeds.get(1).json().path("normalize").asBoolean()).isTrue();
        assertThat(embeds.get(1).json().path("truncate").asBoolean()).isFalse();
        assertThat(f.manager.info("e").details()).containsEntry("tei.max_client_batch_size", "2")
            .containsEntry("tei.model_type", "embedding").containsEntry("endpoint.kind", "tei");

        f.awaitEntries(1);
        assertThat(f.provider.entries()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("BAAI/bge-small-en-v1.5");
            assertThat(e.modelType()).isEqualTo(ModelType.EMBEDDING);
            assertThat(e.metadata()).doesNotContainKey("type_guessed");
        });
    }

    @Test
    void optionsReachTheRequestAndTheWrongModelOrTypeIsRefused() {
        embedServer(8);
        f.endpoint("tei", EndpointSettings.Kind.TEI, 1, 5);
        f.manager.register("e", remote(ModelType.EMBEDDING, "tei", "bge-small-en-v1.5").option("normalize", "false")
            .option("truncate", "true").build(), "t");
        f.manager.embed("e", List.of("x"));
        JsonNode sent = f.server.requests("POST /embed").get(1).json();
        assertThat(sent.path("normalize").asBoolean()).isFalse();
        assertThat(sent.path("truncate").asBoolean()).isTrue();

        f.manager.register("other", remote(ModelType.EMBEDDING, "tei", "intfloat/e5-large").build(), "t");
        assertThatThrownBy(() -> f.manager.embed("other", List.of("x"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(e.getMessage()).contains("has no model 'intfloat/e5-large'").contains("BAAI/bge-small-en-v1.5");
            });
        f.manager.register("c", remote(ModelType.CLASSIFICATION, "tei", "BAAI/bge-small-en-v1.5").build(), "t");
        assertThatThrownBy(() -> f.manager.classify("c", List.of("x"))).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.getMessage()).contains("(TEI model_type embedding), not a classification model"));
    }

    /** Sentiment: "good" is positive; pairs: the second text found in the first is entailment. */
    private void classifierServer(int batch) {
        f.server.on("GET /info", (r, x) -> json(x, 200, info("my/classifier", "{\"classifier\": {\"id2label\": "
                + "{\"0\": \"negative\", \"1\": \"positive\"}, \"label2id\": {\"negative\": 0, \"positive\": 1}}}", batch)))
            .on("POST /predict", (r, x) -> {
                JsonNode inputs = r.json().path("inputs");
                if (overLimit(x, inputs.size(), batch)) {
                    return;
                }
                ArrayNode out = RemoteEndpoint.JSON.createArrayNode();
                for (JsonNode input : inputs) {
                    boolean yes = input.size() == 1 ? input.get(0).asText().contains("good")
                        : input.get(0).asText().contains(input.get(1).asText());
                    double p = yes ? 0.9 : 0.2;
                    ArrayNode row = out.addArray(); // sorted by score, as TEI sends them
                    row.addObject().put("score", Math.max(p, 1 - p)).put("label", p > 0.5 ? "positive" : "negative");
                    row.addObject().put("score", Math.min(p, 1 - p)).put("label", p > 0.5 ? "negative" : "positive");
                }
                json(x, 200, out.toString());
            });
    }

    @Test
    void aClassifierGivesLabelsAndScoresForTextsAndPairs() {
        classifierServer(2);
        f.endpoint("tei", EndpointSettings.Kind.TEI, 1, 5);
        f.manager.register("c", remote(ModelType.CLASSIFICATION, "tei", "my/classifier").build(), "t");
        ClassificationResult result = f.manager.classify("c", List.of("a good day", "a bad day", "good", "meh"));
        assertThat(result.classifications()).extracting(cl -> cl.top().label())
            .containsExactly("positive", "negative", "positive", "negative");
        List<LabelScore> first = result.classifications().get(0).labels();
        assertThat(first.get(0).score()).isCloseTo(0.9, within(1e-9));
        assertThat(first.get(1).label()).isEqualTo("negative");
        assertThat(first.get(1).score()).isCloseTo(0.1, within(1e-9));
        List<FakeServer.Request> predicts = f.server.requests("POST /predict");
        assertThat(predicts).extracting(r -> r.json().path("inputs").size()).containsExactly(2, 2);
        assertThat(predicts.get(0).json().path("inputs").toString()).isEqualTo("[[\"a good day\"],[\"a bad day\"]]");
        assertThat(predicts.get(0).json().path("raw_scores").asBoolean()).isFalse();

        // Pairs go as [text, text_pair]; the rerank of a two-label classifier uses its last label (positive).
        ClassificationResult pairs = f.manager.classifyPairs("c", List.of(new TextPair("the cat sat", "cat"),
            new TextPair("the cat sat", "dog")));
        assertThat(pairs.classifications()).extracting(cl -> cl.top().label()).containsExactly("positive", "negative");
        assertThat(f.server.requests("POST /predict").get(2).json().path("inputs").toString())
            .isEqualTo("[[\"the cat sat\",\"cat\"],[\"the cat sat\",\"dog\"]]");
        RerankResult ranked = f.manager.rerank("c", "the cat sat on the mat", List.of("dog", "mat", "cat"));
        assertThat(ranked.results().get(2).document()).isEqualTo("dog");
        assertThat(ranked.results().get(0).score()).isCloseTo(0.9, within(1e-9));
    }

    /** Relevance: the share of the query's words the text holds; sorted by score as TEI sends it. */
    private void rerankerServer(int batch) {
        f.server.on("GET /info", (r, x) -> json(x, 200, info("BAAI/bge-reranker-base", "{\"reranker\": {\"id2label\": "
                + "{\"0\": \"LABEL_0\"}, \"label2id\": {\"LABEL_0\": 0}}}", batch)))
            .on("POST /rerank", (r, x) -> {
                JsonNode body = r.json();
                if (overLimit(x, body.path("texts").size(), batch)) {
                    return;
                }
                List<String> words = List.of(body.path("query").asText().split(" "));
                List<double[]> ranks = new ArrayList<>();
                for (int i = 0; i < body.path("texts").size(); i++) {
                    String text = body.path("texts").get(i).asText();
                    long hits = words.stream().filter(text::contains).count();
                    ranks.add(new double[] {i, (double) hits / words.size()});
                }
                ranks.sort((a, b) -> Double.compare(b[1], a[1]));
                ArrayNode out = RemoteEndpoint.JSON.createArrayNode();
                ranks.forEach(k -> out.addObject().put("index", (int) k[0]).put("score", k[1]));
                json(x, 200, out.toString());
            });
    }

    @Test
    void aRerankerServesTheManagersRerankInSlicesAndPairsGroupedByQuery() {
        rerankerServer(2);
        f.endpoint("tei", EndpointSettings.Kind.TEI, 1, 5);
        f.manager.register("r", remote(ModelType.CLASSIFICATION, "tei", "BAAI/bge-reranker-base").build(), "t");
        RerankResult result = f.manager.rerank("r", "red fast car", List.of("a blue bike", "a red fast car",
            "a red bike"));
        assertThat(result.method()).isEqualTo("cross-encoder");
        assertThat(result.results()).extracting(RerankResult.Ranked::index).containsExactly(1, 2, 0);
        assertThat(result.results().get(0).score()).isCloseTo(1.0, within(1e-6));
        assertThat(result.results().get(1).score()).isCloseTo(1.0 / 3, within(1e-6));
        assertThat(result.results().get(2).score()).isCloseTo(0.0, within(1e-6));
        List<FakeServer.Request> sent = f.server.requests("POST /rerank");
        assertThat(sent).extracting(q -> q.json().path("texts").size()).containsExactly(2, 1);
        assertThat(sent.get(0).json().path("query").asText()).isEqualTo("red fast car");
        assertThat(sent.get(0).json().path("return_text").asBoolean()).isFalse();
        assertThat(sent.get(0).json().path("raw_scores").asBoolean()).isFalse();

        ClassificationResult pairs = f.manager.classifyPairs("r", List.of(new TextPair("red car", "red"),
            new TextPair("blue", "blue sky"), new TextPair("red car", "car red")));
        assertThat(pairs.classifications()).extracting(Classification::top).extracting(LabelScore::label)
            .containsOnly("LABEL_0");
        assertThat(pairs.classifications()).extracting(cl -> cl.top().score()).containsExactly(0.5, 1.0, 1.0);
        assertThat(f.server.requests("POST /rerank")).hasSize(4);
    }

    @Test
    void a503IsRetriedThenSucceedsAndA422IsNotRetried() {
        embedServer(8);
        AtomicInteger calls = new AtomicInteger();
        f.server.on("GET /info", (r, x) -> {
            if (calls.incrementAndGet() == 1) {
                x.getResponseHeaders().set("Retry-After", "0.03"); // within the fixture's longest backoff, 40 ms
                json(x, 503, "{\"error\": \"Model is overloaded\", \"error_type\": \"Overloaded\"}");
            } else {
                json(x, 200, info("BAAI/bge-small-en-v1.5", "{\"embedding\": {\"pooling\": \"cls\"}}", 8));
            }
        });
        f.endpoint("tei", EndpointSettings.Kind.TEI, 2, 5);
        f.manager.register("e", remote(ModelType.EMBEDDING, "tei", "BAAI/bge-small-en-v1.5").build(), "t");
        assertThat(f.manager.embed("e", List.of("ok")).vectors()).hasSize(1);
        assertThat(f.sleeps).extracting(d -> d.toMillis()).contains(30L);

        int before = f.server.requests("POST /embed").size();
        f.server.on("POST /embed", (r, x) -> json(x, 422, "{\"error\": \"Input validation error: `inputs` must "
            + "have less than 512 tokens\", \"error_type\": \"Validation\"}"));
        assertThatThrownBy(() -> f.manager.embed("e", List.of("too long"))).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.getMessage()).contains("HTTP 422: Input validation error");
            });
        assertThat(f.server.requests("POST /embed")).as("a 422 is not retried").hasSize(before + 1);
    }
}
