package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.DeviceSelector;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;

class RequirementPropertiesTest {

    @Test
    void everySchemaFieldAndSourceKindParses() {
        ModelRequirement r = RequirementProperties.parse(Map.of("model_type", "embedding", "name", "minilm",
            "dimension", "384", "device", "cuda:1", "batch_size", "16", "cache_embeddings", "false",
            "max_input_length", "256", "preload_workers", "2", "priority", "3", "pinned", "true"));
        assertThat(r.modelType()).isEqualTo(ModelType.EMBEDDING);
        assertThat(r.dimension()).isEqualTo(384);
        assertThat(r.device()).isEqualTo(new DeviceSelector("cuda", 1));
        assertThat(r.batchSize()).isEqualTo(16);
        assertThat(r.cacheEmbeddings()).isFalse();
        assertThat(r.preloadWorkers()).isEqualTo(2);
        assertThat(r.pinned()).isTrue();
        assertThat(r.source()).isEqualTo(new ModelSource.Hub("minilm", "main", List.of()));

        ModelRequirement hub = RequirementProperties.parse(Map.of("model.type", "text_generation", "name", "s",
            "hub", "ggml-org/models", "revision", "v1", "files", "tinyllamas/stories260K.gguf", "temperature", "0.2",
            "idle.timeout", "30", "option.n_ctx", "512", "service.pid", "dev.modelmanager.model.abc"));
        assertThat(hub.source()).isEqualTo(new ModelSource.Hub("ggml-org/models", "v1", List.of("tinyllamas/stories260K.gguf")));
        assertThat(hub.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(hub.options()).containsEntry("n_ctx", "512");

        assertThat(RequirementProperties.parse(Map.of("model_type", "embedding", "name", "m", "jar", "/x.jar",
            "resources", "onnx/model.onnx=a.onnx, tokenizer.json=t.json")).source())
            .isEqualTo(new ModelSource.Classpath("/x.jar", List.of("onnx/model.onnx=a.onnx", "tokenizer.json=t.json")));
        assertThat(RequirementProperties.parse(Map.of("model_type", "text_generation", "name", "m", "endpoint", "ollama",
            "remote_model", "llama3.2")).source()).isEqualTo(new ModelSource.Remote("ollama", "llama3.2"));
    }

    @Test
    void badKeysAndValuesAreNamed() {
        assertThatThrownBy(() -> RequirementProperties.parse(Map.of("model_type", "embedding", "name", "m", "colour", "x")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("colour"));
        assertThatThrownBy(() -> RequirementProperties.parse(Map.of("model_type", "embedding", "name", "m", "dimension", "big")))
            .hasMessageContaining("dimension: must be a whole number, was big");
        assertThatThrownBy(() -> RequirementProperties.parse(Map.of("model_type", "embedding", "name", "m", "pinned", "yes")))
            .hasMessageContaining("pinned: must be true or false");
        assertThatThrownBy(() -> RequirementProperties.parse(Map.of("model_type", "vision", "name", "m")))
            .hasMessageContaining("model_type: must be one of");
    }

    @Test
    void formatReadsBackToTheSameRequirement() {
        List<ModelRequirement> requirements = List.of(
            ModelRequirement.builder(ModelType.EMBEDDING, "minilm").dimension(384).device("cuda:1").batchSize(16)
                .cacheEmbeddings(false).maxInputLength(256).preloadWorkers(2).priority(-3).pinned(true)
                .idleTimeout(Duration.ofSeconds(90)).option("pooling", "mean")
                .source(new ModelSource.Classpath("lib/minilm.jar", List.of("onnx/model.onnx=m.onnx", "tokenizer.json=t.json")))
                .build(),
            ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories").hub("ggml-org/models", "v1",
                "tinyllamas/stories260K.gguf").maxOutputLength(64).temperature(0.5).topK(10).topP(0.9).streaming(true)
                .provider("llamacpp").build(),
            ModelRequirement.builder(ModelType.CLASSIFICATION, "org/sentiment").numLabels(2).threshold(0.25).build(),
            ModelRequirement.builder(ModelType.TEXT2TEXT, "t5").path("/models/t5").build(),
            ModelRequirement.builder(ModelType.TEXT_GENERATION, "llama3.2")
                .source(new ModelSource.Remote("ollama", "llama3.2:1b")).build(),
            ModelRequirement.builder(ModelType.EMBEDDING, "own")
                .source(new ModelSource.Classpath(null, List.of("model.onnx"))).build());
        for (ModelRequirement r : requirements) {
            Map<String, String> formatted = RequirementProperties.format(r);
            assertThat(RequirementProperties.parse(formatted)).as(formatted.toString()).isEqualTo(r);
        }
        assertThat(RequirementProperties.format(requirements.get(2))).containsOnlyKeys("model_type", "name",
            "num_labels", "threshold");
    }
}
