package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;
import dev.modelmanager.provider.llamacpp.gguf.GgufReader;

/** Tokenisation, generation and embeddings on a generated GGUF whose outputs are known exactly. */
class SyntheticModelTest {
    static ModelManagerImpl manager;
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        file = Files.createTempFile("synthetic-counter", ".gguf");
        Files.write(file, SyntheticModel.gguf());
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void theHeaderReaderSeesWhatWasWritten() throws Exception {
        GgufFile gguf = GgufReader.read(file);
        assertThat(gguf.architecture()).isEqualTo("llama");
        assertThat(gguf.embeddingLength()).isEqualTo(SyntheticModel.EMBD);
        assertThat(gguf.metadata().get("tokenizer.ggml.tokens")).isEqualTo(SyntheticModel.TOKENS);
    }

    @Test
    void greedyGenerationCountsThroughTheAlphabetAndUsageCountsTokens() {
        manager.register("counter", ModelRequirement.builder(ModelType.TEXT_GENERATION, "counter").path(file.toString())
            .build(), "test");
        GenerationResult result = manager.generate("counter", "a",
            GenerationOptions.builder().temperature(0.0).maxOutputLength(5).build());
        assertThat(result.text()).isEqualTo(" b c d e f");
        assertThat(result.usage().promptTokens()).isEqualTo(1);
        assertThat(result.usage().completionTokens()).isEqualTo(5);
        GenerationResult fromD = manager.generate("counter", "c d",
            GenerationOptions.builder().temperature(0.0).maxOutputLength(3).build());
        assertThat(fromD.text()).isEqualTo(" e f g");
        assertThat(fromD.usage().promptTokens()).isEqualTo(2);
    }

    @Test
    void lastTokenEmbeddingsPointAtTheLastToken() {
        manager.register("vectors", ModelRequirement.builder(ModelType.EMBEDDING, "counter").path(file.toString())
            .build(), "test");
        List<float[]> vectors = manager.embed("vectors", List.of("a b", "c", "a c")).vectors();
        assertThat(argmax(vectors.get(0))).isEqualTo(SyntheticModel.TOKENS.indexOf("\u2581b"));
        assertThat(argmax(vectors.get(1))).isEqualTo(SyntheticModel.TOKENS.indexOf("\u2581c"));
        assertThat(argmax(vectors.get(2))).isEqualTo(SyntheticModel.TOKENS.indexOf("\u2581c"));
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
