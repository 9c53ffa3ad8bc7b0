package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Supplier;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRequirementTest {

    private static ModelRequirement.Builder embedding() {
        return ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/all-MiniLM-L6-v2").dimension(384);
    }

    private static void assertInvalid(Supplier<?> construction, String field, String reasonPart) {
        assertThatThrownBy(construction::get)
            .isInstanceOf(ModelException.class)
            .asInstanceOf(InstanceOfAssertFactories.type(ModelException.class))
            .satisfies(e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.field()).isEqualTo(field);
                assertThat(e.getMessage()).contains(field).contains(reasonPart);
            });
    }

    @Test
    void defaultsFollowTheSchema() {
        ModelRequirement r = embedding().build();
        assertThat(r.device()).isEqualTo(DeviceSelector.AUTO);
        assertThat(r.batchSize()).isEqualTo(32);
        assertThat(r.cacheEmbeddings()).isTrue();
        assertThat(r.preloadWorkers()).isZero();
        assertThat(r.source()).isEqualTo(new ModelSource.Hub("sentence-transformers/all-MiniLM-L6-v2", "main", java.util.List.of()));
        assertThat(r.options()).isEmpty();
    }

    @Test
    void everyInvalidValueNamesItsField() {
        assertInvalid(() -> ModelRequirement.builder().name("x").build(), "model_type", "required");
        assertInvalid(() -> ModelRequirement.builder(ModelType.EMBEDDING, " ").build(), "name", "required");
        assertInvalid(() -> embedding().dimension(0).build(), "dimension", "> 0");
        assertInvalid(() -> embedding().batchSize(0).build(), "batch_size", "1..4096");
        assertInvalid(() -> embedding().batchSize(5000).build(), "batch_size", "1..4096");
        assertInvalid(() -> embedding().maxInputLength(-3).build(), "max_input_length", "> 0");
        assertInvalid(() -> embedding().preloadWorkers(-1).build(), "preload_workers", ">= 0");
        assertInvalid(() -> embedding().idleTimeout(Duration.ofSeconds(-1)).build(), "idle_timeout", "negative");
        assertInvalid(() -> embedding().device("the gpu").build(), "device", "without spaces");
        assertInvalid(() -> embedding().device("cuda:x").build(), "device", "cuda:N");
        assertInvalid(() -> embedding().device("cpu:1").build(), "device", "cuda:N");
        ModelRequirement.Builder gen = ModelRequirement.builder(ModelType.TEXT_GENERATION, "gpt2");
        assertInvalid(() -> gen.temperature(-0.1).build(), "temperature", ">= 0");
        assertInvalid(() -> gen.temperature(Double.NaN).build(), "temperature", "finite");
        assertInvalid(() -> ModelRequirement.builder(ModelType.TEXT_GENERATION, "gpt2").topP(0.0).build(), "top_p", "(0, 1]");
        assertInvalid(() -> ModelRequirement.builder(ModelType.TEXT_GENERATION, "gpt2").topP(1.5).build(), "top_p", "(0, 1]");
        assertInvalid(() -> ModelRequirement.builder(ModelType.TEXT_GENERATION, "gpt2").topK(-1).build(), "top_k", ">= 0");
        assertInvalid(() -> ModelRequirement.builder(ModelType.CLASSIFICATION, "c").threshold(1.2).build(), "threshold", "[0, 1]");
        assertInvalid(() -> ModelRequirement.builder(ModelType.CLASSIFICATION, "c").numLabels(0).build(), "num_labels", "> 0");
        assertInvalid(() -> embedding().hub("not a repo", null).build(), "source.repository", "org/name");
        assertInvalid(() -> embedding().hub("org/name", "main", "../etc/passwd").build(), "source.files", "relative");
        assertInvalid(() -> embedding().path(" ").build(), "source.path", "empty");
        assertInvalid(() -> embedding().option("truncate", "sometimes").build(), "options.truncate", "true or false");
        assertThat(embedding().option("truncate", "false").build().options()).containsEntry("truncate", "false");
    }

    @ParameterizedTest
    @CsvSource({
        "EMBEDDING, temperature",
        "EMBEDDING, num_labels",
        "TEXT_GENERATION, dimension",
        "CLASSIFICATION, max_output_length",
        "TEXT2TEXT, threshold",
    })
    void fieldsThatDoNotApplyToTheTypeAreRefused(ModelType type, String field) {
        ModelRequirement.Builder b = ModelRequirement.builder(type, "m");
        switch (field) {
            case "temperature" -> b.temperature(0.5);
            case "num_labels" -> b.numLabels(2);
            case "dimension" -> b.dimension(8);
            case "max_output_length" -> b.maxOutputLength(8);
            case "threshold" -> b.threshold(0.5);
            default -> throw new IllegalArgumentException(field);
        }
        assertInvalid(b::build, field, "does not apply to " + type);
    }

    @Test
    void identityDifferencesNameTheFieldsThatMakeItAnotherModel() {
        ModelRequirement a = embedding().build();
        assertThat(a.identityDifferences(embedding().batchSize(8).preloadWorkers(2).build())).isEmpty();
        assertThat(a.identityDifferences(embedding().dimension(768).device("cpu").build()))
            .containsExactly("device", "dimension");
        assertThat(a.identityDifferences(ModelRequirement.builder(ModelType.EMBEDDING, "other/model").dimension(384).build()))
            .containsExactly("name", "source");
        assertThat(a.identityDifferences(embedding().option("n_ctx", "512").build())).containsExactly("options");
    }

    @Test
    void lifecycleHintsMergeToTheStrongestAsk() {
        ModelRequirement a = embedding().preloadWorkers(1).priority(1).idleTimeout(Duration.ofSeconds(5)).build();
        ModelRequirement b = embedding().preloadWorkers(2).pinned(true).idleTimeout(Duration.ofSeconds(30)).build();
        ModelRequirement merged = a.mergeLifecycle(b);
        assertThat(merged.preloadWorkers()).isEqualTo(2);
        assertThat(merged.priority()).isEqualTo(1);
        assertThat(merged.pinned()).isTrue();
        assertThat(merged.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.mergeLifecycle(embedding().build())).isSameAs(a);
    }

    @Test
    void toBuilderRoundTrips() {
        ModelRequirement r = ModelRequirement.builder(ModelType.TEXT_GENERATION, "ggml-org/models")
            .hub("ggml-org/models", "main", "tinyllamas/stories260K.gguf").temperature(0.7).topK(40).topP(0.9)
            .maxOutputLength(64).streaming(true).device("cuda:1").priority(2).pinned(true).option("n_ctx", "256")
            .provider("llamacpp").build();
        assertThat(r.toBuilder().build()).isEqualTo(r);
        assertThat(r.options()).containsEntry("n_ctx", "256");
        assertThatThrownBy(() -> r.options().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void modelTypesParseFromSchemaIdsAndNames() {
        assertThat(ModelType.fromId("text_generation")).isEqualTo(ModelType.TEXT_GENERATION);
        assertThat(ModelType.fromId("TEXT2TEXT")).isEqualTo(ModelType.TEXT2TEXT);
        assertThat(ModelType.fromId("text-generation")).isEqualTo(ModelType.TEXT_GENERATION);
        assertInvalid(() -> ModelType.fromId("vision"), "model_type", "embedding, text2text, text_generation, classification");
    }

    @Test
    void devicesMatchTheirSelectors() {
        assertThat(DeviceSelector.parse("CUDA:1")).isEqualTo(new DeviceSelector("cuda", 1));
        assertThat(DeviceSelector.parse(null)).isEqualTo(DeviceSelector.AUTO);
        assertThat(DeviceSelector.parse("cuda").matches("cuda:3")).isTrue();
        assertThat(DeviceSelector.parse("cuda:1").matches("cuda:0")).isFalse();
        assertThat(DeviceSelector.CPU.matches("cuda:0")).isFalse();
        assertThat(DeviceSelector.AUTO.matches("cpu")).isTrue();
        assertThat(DeviceSelector.parse("cuda:2").toString()).isEqualTo("cuda:2");
    }

    @Test
    void anyDeviceIdADeviceProviderReportsCanBeSelected() {
        // Kinds the manager does not know are typed the same way: kind, kind:N.
        assertThat(DeviceSelector.parse("rocm:0")).isEqualTo(new DeviceSelector("rocm", 0));
        assertThat(DeviceSelector.parse("rocm").matches("rocm:1")).isTrue();
        assertThat(DeviceSelector.parse("rocm:0").matches("rocm:1")).isFalse();
        assertThat(DeviceSelector.parse("mps").matches("mps")).isTrue();
        assertThat(DeviceSelector.parse("mps").matches("cuda:0")).isFalse();
        assertThat(DeviceSelector.parse("cuda").matches("rocm:0")).isFalse();
        // Ids of another form are matched as they are, and matching never throws on any id.
        assertThat(DeviceSelector.parse("remote:Cluster-A").matches("remote:Cluster-A")).isTrue();
        assertThat(DeviceSelector.parse("remote:Cluster-A").matches("remote:cluster-b")).isFalse();
        assertThat(DeviceSelector.CPU.matches("remote:Cluster-A")).isFalse();
        assertThat(DeviceSelector.parse("cuda").matches("weird id with spaces")).isFalse();
        assertThat(DeviceSelector.AUTO.matches("npu:7")).isTrue();
        assertThat(DeviceSelector.parse("remote:Cluster-A").toString()).isEqualTo("remote:Cluster-A");
    }

    @Test
    void generationOptionsAreCheckedAndTakeRequirementDefaults() {
        assertThatThrownBy(() -> GenerationOptions.builder().maxOutputLength(0).build())
            .isInstanceOf(ModelException.class)
            .hasMessageContaining("max_output_length");
        ModelRequirement r = ModelRequirement.builder(ModelType.TEXT_GENERATION, "m").temperature(0.2).maxOutputLength(16).build();
        GenerationOptions o = GenerationOptions.builder().temperature(0.9).build().withDefaults(r);
        assertThat(o.temperature()).isEqualTo(0.9);
        assertThat(o.maxOutputLength()).isEqualTo(16);
    }

    @Test
    void exceptionsSayWhichModelAndWhy() {
        ModelException e = new ModelException(ErrorCode.NOT_REGISTERED, "docs", "no model is registered under this id");
        assertThat(e.getMessage()).isEqualTo("model 'docs': no model is registered under this id [NOT_REGISTERED]");
        assertThat(ModelException.invalidInput(null, "texts", "must not be empty").forModel("m").modelId()).isEqualTo("m");
    }
}
