package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * Embeddings from a GGUF model (surefire runs this class in a JVM of its own: a pooling mode llama.cpp cannot
 * handle aborts the process instead of throwing, and the guard against it is what is tested here).
 */
class LlamaEmbeddingTest {
    static ModelManagerImpl manager;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static ModelRequirement.Builder stories() {
        return ModelRequirement.builder(ModelType.EMBEDDING, "stories260K").path(LlamaGenerationTest.STORIES.toString());
    }

    @Test
    void embedsWithThePoolingTheModelAllowsAndTheDimensionItHas() {
        manager.register("emb", stories().dimension(64).build(), "test");
        EmbeddingResult result = manager.embed("emb", List.of("the cat sat", "the cat sat", "a dog ran far away"));
        assertThat(result.embeddings()).hasSize(3).allSatisfy(e -> assertThat(e.dimension()).isEqualTo(64));
        assertThat(result.vectors().get(0)).containsExactly(result.vectors().get(1));
        assertThat(result.vectors().get(0)).isNotEqualTo(result.vectors().get(2));
        assertThat(manager.info("emb").status()).isEqualTo(ModelStatus.LOADED);
    }

    @Test
    void anEmptyTextIsRefusedBeforeItReachesTheNativeCode() {
        manager.register("emb-empty", stories().dimension(64).build(), "test");
        assertThatThrownBy(() -> manager.embed("emb-empty", List.of("the cat sat", "")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("texts");
                assertThat(e.getMessage()).contains("empty text");
            });
        assertThat(manager.embed("emb-empty", List.of("the cat sat")).vectors()).hasSize(1);
    }

    @Test
    void meanPoolingOnAModelThatDoesNotDeclareItIsAnErrorNotADeadProcess() {
        // Refused at registration, where the file is read before anything can reach llama.cpp.
        assertThatThrownBy(() -> manager.register("mean", stories().option("pooling", "mean").build(), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.field()).isEqualTo("options.pooling");
                assertThat(e.getMessage()).contains("declares no pooling").contains("GGML_ASSERT");
            });
        assertThat(manager.list()).extracting(m -> m.modelId()).doesNotContain("mean");
    }

    @Test
    void aDimensionThatDoesNotMatchTheModelIsRefusedAtLoad() {
        manager.register("wrong", stories().dimension(384).build(), "test");
        assertThatThrownBy(() -> manager.embed("wrong", List.of("hello")))
            .hasMessageContaining("the requirement says dimension 384 but the model produces 64");
    }
}
