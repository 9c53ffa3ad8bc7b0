package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.gguf.GgufWriter;

/**
 * GGUF files that are not what they claim, through the manager and this provider: refused at registration with a
 * typed reason naming the file (and quoting nothing of it); when they only show at load (the provider came later),
 * the model goes FAILED with the reason and calls get the same typed error.
 */
class GgufFilesTest {
    static final Path STORIES = LlamaGenerationTest.STORIES;
    static final GenerationOptions GREEDY = LlamaGenerationTest.GREEDY;

    @TempDir
    Path dir;
    private final ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
    private final LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.defaults());

    @AfterEach
    void close() {
        manager.close();
        provider.deactivate();
    }

    private static ModelRequirement generation(Path file) {
        return ModelRequirement.builder(ModelType.TEXT_GENERATION, "x").path(file.toString()).build();
    }

    private void bind() {
        manager.bindProvider(provider, Map.of("service.id", 1L));
    }

    private Path truncated() throws Exception {
        byte[] real = Files.readAllBytes(STORIES);
        return Files.write(dir.resolve("truncated.gguf"), Arrays.copyOf(real, real.length - 1000));
    }

    @Test
    void brokenFilesAreRefusedAtRegistrationNamingTheFileAndNothingOfItsContent() throws Exception {
        bind();
        byte[] random = new byte[20_000];
        new Random(3).nextBytes(random);
        Map<Path, String> bad = Map.of(
            truncated(), "truncated.gguf is truncated",
            Files.write(dir.resolve("random.gguf"), random), "random.gguf is not a GGUF file",
            Files.writeString(dir.resolve("secret.gguf"), "root:$6$x$y:19000:0:99999:7:::\nAPI_KEY=sk-live-123\n"),
            "secret.gguf is not a GGUF file");
        for (Map.Entry<Path, String> e : bad.entrySet()) {
            assertThatThrownBy(() -> manager.register("bad", generation(e.getKey()), "test"))
                .isInstanceOfSatisfying(ModelException.class, ex -> {
                    assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                    assertThat(ex.getMessage()).contains(e.getValue()).doesNotContain("root").doesNotContain("sk-live")
                        .doesNotContain("726f6f74").doesNotContainPattern("0x[0-9a-f]{8}")
                        .doesNotContain(dir.toString());
                });
        }
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void aFileThatOnlyShowsAtLoadFailsTheModelWithTheTypedReason() throws Exception {
        Path file = truncated();
        manager.register("late", generation(file), "test");
        assertThat(manager.info("late").status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        bind();
        for (int call = 0; call < 2; call++) {
            assertThatThrownBy(() -> manager.generate("late", "Once", GREEDY))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                    assertThat(e.getMessage()).contains("truncated.gguf is truncated");
                });
        }
        assertThat(manager.info("late").status()).isEqualTo(ModelStatus.FAILED);
        assertThat(manager.info("late").reason()).contains("truncated.gguf is truncated");
    }

    @Test
    void anEncoderOnlyModelIsNoGeneratorAndAPoolingThatWouldAbortIsRefusedFirst() throws Exception {
        bind();
        Path bert = Files.write(dir.resolve("bert.gguf"), new GgufWriter().put("general.architecture", "bert")
            .put("bert.block_count", 1).put("bert.embedding_length", 8).put("bert.attention.head_count", 2)
            .put("bert.pooling_type", 2).tensor("token_embd.weight", 8, 4).bytes());
        assertThatThrownBy(() -> manager.register("bert", generation(bert), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                assertThat(e.getMessage()).contains("bert.gguf is an embedding model (architecture bert)");
            });
        assertThatThrownBy(() -> manager.register("mean", ModelRequirement.builder(ModelType.EMBEDDING, "stories")
            .path(STORIES.toString()).option("pooling", "mean").build(), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.field()).isEqualTo("options.pooling");
            });
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void aWholeGgufFileLlamaCppRefusesIsABadModelFileNotAServerError() throws Exception {
        bind();
        Path unknown = Files.write(dir.resolve("unknown.gguf"), new GgufWriter()
            .put("general.architecture", "no-such-architecture").tensor("token_embd.weight", 8, 4).bytes());
        manager.register("unknown", generation(unknown), "test");
        assertThatThrownBy(() -> manager.generate("unknown", "Once", GREEDY))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                assertThat(e.getMessage()).contains("llama.cpp could not load unknown.gguf");
            });
        assertThat(manager.info("unknown").status()).isEqualTo(ModelStatus.FAILED);
        // The real file still serves.
        manager.register("stories", generation(STORIES), "test");
        assertThat(manager.generate("stories", "Once upon a time", GREEDY).text()).isNotEmpty();
        assertThat(List.of(manager.info("stories").status())).containsExactly(ModelStatus.LOADED);
    }
}
