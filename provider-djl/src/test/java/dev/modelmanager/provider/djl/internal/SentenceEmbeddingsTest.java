package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.FakeHub;
import dev.modelmanager.core.internal.source.HubSettings;

/**
 * Sentence embeddings on real models against vectors computed by independent implementations
 * ({@code ../shared/models/reference}): fp32 MiniLM alone, concurrently and batched; bge-small-en-v1.5 from a folder
 * laid out as its Hub repository (CLS pooling read from its files) and through a download from a local fake Hub;
 * the quantized MiniLM, which runs every text alone; named prompts; rerank.
 */
class SentenceEmbeddingsTest {
    static final double EXACT = 0.99999;
    static ModelManagerImpl manager;
    static FakeHub hub;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("djl-embeddings");
        hub = new FakeHub();
        Path bge = Fixtures.hubFolder(work, "BAAI--bge-small-en-v1.5", "bge-small-en-v1.5.onnx",
            "bge-small-en-v1.5-tokenizer.json", true);
        for (Path f : List.of(Path.of("config.json"), Path.of("modules.json"), Path.of("sentence_bert_config.json"),
            Path.of("1_Pooling/config.json"), Path.of("tokenizer.json"))) {
            hub.file("BAAI/bge-small-en-v1.5", f.toString(), Files.readAllBytes(bge.resolve(f)));
        }
        hub.lfsFile("BAAI/bge-small-en-v1.5", "onnx/model.onnx", Files.readAllBytes(bge.resolve("onnx/model.onnx")));

        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(HubSettings.from(hub.endpoint(), null, work.resolve("hub").toString(), false, false, Map.of()),
                work));
        manager.bindProvider(new DjlProvider(), Map.of("service.id", 1L));
        manager.register("minilm", embedding("all-MiniLM-L6-v2").source(new ModelSource.Classpath(null, List.of(
            "onnx/model.onnx=all-minilm-l6-v2.onnx", "tokenizer.json=all-minilm-l6-v2-tokenizer.json"))).build(), "test");
        manager.register("minilm-q", embedding("all-MiniLM-L6-v2-q").source(new ModelSource.Classpath(null, List.of(
            "onnx/model.onnx=all-minilm-l6-v2-q.onnx", "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json"))).build(),
            "test");
        manager.register("bge", embedding("BAAI/bge-small-en-v1.5").path(bge.toString()).build(), "test");
        manager.register("bge-bare", embedding("bge-small-en-v1.5 without its files").path(Fixtures.hubFolder(
            work.resolve("bare"), "BAAI--bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
            false).toString()).build(), "test");
    }

    static ModelRequirement.Builder embedding(String name) {
        return ModelRequirement.builder(ModelType.EMBEDDING, name).dimension(384).cacheEmbeddings(false);
    }

    @AfterAll
    static void stop() throws Exception {
        manager.close();
        hub.close();
    }

    private static void assertMatches(Fixtures.Reference reference, List<float[]> vectors, double at) {
        for (int i = 0; i < reference.inputs().size(); i++) {
            assertThat(Fixtures.cosine(reference.vectors().get(i), vectors.get(i)))
                .as("'%s'", reference.inputs().get(i)).isGreaterThanOrEqualTo(at);
        }
    }

    @Test
    void fp32MiniLmMatchesTheReferenceAloneConcurrentlyAndBatched() throws Exception {
        Fixtures.Reference ref = Fixtures.reference("all-minilm-l6-v2.json");
        List<float[]> alone = new ArrayList<>();
        for (String input : ref.inputs()) {
            alone.add(manager.embed("minilm", List.of(input)).vectors().get(0));
        }
        assertMatches(ref, alone, EXACT);
        assertMatches(ref, manager.embed("minilm", ref.inputs()).vectors(), EXACT);

        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<float[]>>> calls = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                calls.add(callers.submit(() -> {
                    List<float[]> out = new ArrayList<>();
                    for (String input : ref.inputs()) {
                        out.add(manager.embed("minilm", List.of(input)).vectors().get(0));
                    }
                    return out;
                }));
            }
            for (Future<List<float[]>> call : calls) {
                assertMatches(ref, call.get(), EXACT);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(manager.info("minilm").details()).containsEntry("batching",
            "texts of similar length together, up to 32 texts and 8192 padded tokens a run (exact with the attention mask)");
    }

    @Test
    void bgeInItsHubLayoutIsClsPooledAsItsFilesSay() throws Exception {
        Fixtures.Reference ref = Fixtures.reference("bge-small-en-v1.5.json");
        assertMatches(ref, manager.embed("bge", ref.inputs()).vectors(), EXACT);
        assertThat(manager.info("bge").details()).containsEntry("pooling", "cls (1_Pooling/config.json)")
            .containsEntry("normalize", "true (modules.json)")
            .containsEntry("max.input.length", "512 (sentence_bert_config.json)");

        // The same weights without the files: mean pooling, and the vectors are off.
        List<float[]> bare = manager.embed("bge-bare", ref.inputs()).vectors();
        assertThat(Fixtures.cosine(ref.vectors().get(0), bare.get(0))).isLessThan(0.99);
        assertThat(manager.info("bge-bare").details()).containsEntry("pooling", "mean (default)");
    }

    @Test
    void bgeDownloadedFromTheHubFetchesItsSentenceTransformersFiles() throws Exception {
        Fixtures.Reference ref = Fixtures.reference("bge-small-en-v1.5.json");
        manager.register("bge-hub", embedding("BAAI/bge-small-en-v1.5").hub("BAAI/bge-small-en-v1.5", "main").build(),
            "test");
        assertMatches(ref, manager.embed("bge-hub", ref.inputs()).vectors(), EXACT);
        assertThat(manager.info("bge-hub").details()).containsEntry("pooling", "cls (1_Pooling/config.json)");
        Path snapshot = work.resolve("hub/models--BAAI--bge-small-en-v1.5/snapshots/" + FakeHub.COMMIT);
        assertThat(snapshot.resolve("1_Pooling/config.json")).exists();
        assertThat(snapshot.resolve("modules.json")).exists();
        assertThat(snapshot.resolve("config_sentence_transformers.json")).as("absent there, and optional").doesNotExist();
        manager.release("bge-hub", "test");
    }

    @Test
    void namedPromptsGoBeforeTheText() throws Exception {
        Path folder = Fixtures.hubFolder(work.resolve("prompted"), "BAAI--bge-small-en-v1.5", "bge-small-en-v1.5.onnx",
            "bge-small-en-v1.5-tokenizer.json", true);
        Files.writeString(folder.resolve("config_sentence_transformers.json"),
            "{\"prompts\": {\"query\": \"Represent this sentence for searching relevant passages: \"}}");
        manager.register("bge-prompted", embedding("BAAI/bge-small-en-v1.5 with prompts").path(folder.toString())
            .cacheEmbeddings(true).build(), "test");
        Fixtures.Reference ref = Fixtures.reference("bge-small-en-v1.5.json");
        int withInstruction = ref.inputs().indexOf("Represent this sentence for searching relevant passages: how do cats sleep");
        float[] query = manager.embed("bge-prompted", List.of("how do cats sleep"), EmbeddingOptions.prompt("query"))
            .vectors().get(0);
        assertThat(Fixtures.cosine(ref.vectors().get(withInstruction), query)).isGreaterThanOrEqualTo(EXACT);
        float[] plain = manager.embed("bge-prompted", List.of("how do cats sleep")).vectors().get(0);
        assertThat(Fixtures.cosine(ref.vectors().get(withInstruction), plain)).as("the cache keeps prompts apart")
            .isLessThan(0.999);
        assertThat(manager.info("bge-prompted").details()).containsEntry("prompts",
            "query (config_sentence_transformers.json)");
        assertThatThrownBy(() -> manager.embed("bge-prompted", List.of("x"), EmbeddingOptions.prompt("passage")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("prompt_name").hasMessageContaining("it has query");
        manager.release("bge-prompted", "test");
    }

    @Test
    void quantizedMiniLmRunsEveryTextAloneAndGivesTheSameVectorsHoweverCalled() throws Exception {
        Fixtures.Reference ref = Fixtures.reference("all-minilm-l6-v2-q.json");
        List<float[]> together = manager.embed("minilm-q", ref.inputs()).vectors();
        assertMatches(ref, together, 0.995);
        for (int i = 0; i < ref.inputs().size(); i++) { // one caller: each run alone on the device (on the wide session where the model kept one)
            assertThat(manager.embed("minilm-q", List.of(ref.inputs().get(i))).vectors().get(0))
                .as("'%s' alone", ref.inputs().get(i)).containsExactly(together.get(i));
        }
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> alone = new ArrayList<>();
            for (String input : ref.inputs()) {
                alone.add(callers.submit(() -> manager.embed("minilm-q", List.of(input)).vectors().get(0)));
            }
            for (int i = 0; i < alone.size(); i++) {
                assertThat(alone.get(i).get()).as("'%s'", ref.inputs().get(i)).containsExactly(together.get(i));
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(manager.info("minilm-q").details().get("batching"))
            .isEqualTo("one text per run (dynamically quantized: padding would change its vectors)");
    }

    @Test
    void rerankPutsTheRelevantDocumentFirst() {
        List<String> documents = List.of("Stock markets fell sharply today after the bank raised interest rates.",
            "Cats sleep between twelve and sixteen hours a day, often curled up in a warm spot.",
            "The recipe needs two eggs, flour and a cup of milk.",
            "The train to Paris leaves from platform nine at noon.");
        record Case(String query, int relevant) {
        }
        for (Case c : List.of(new Case("how long do cats sleep", 1), new Case("what happened to the stock market", 0),
            new Case("what do I need to bake a cake", 2), new Case("when does the train to Paris depart", 3))) {
            RerankResult result = manager.rerank("minilm", c.query(), documents);
            assertThat(result.results().get(0).index()).as(c.query()).isEqualTo(c.relevant());
            assertThat(result.method()).isEqualTo("cosine");
            assertThat(result.results()).extracting(RerankResult.Ranked::score).isSortedAccordingTo(
                java.util.Comparator.reverseOrder());
        }
    }
}
