package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;

class ThreadCountsTest {
    private static final LlamaCppSettings ALL_CORES = settings(0, 0);

    private static LlamaCppSettings settings(int threads, int threadsBatch) {
        return new LlamaCppSettings(Path.of("natives"), null, 2048, 4, threads, threadsBatch, 256, 2);
    }

    private static ModelRequirement requirement(String... options) {
        ModelRequirement.Builder builder = ModelRequirement.builder(ModelType.TEXT_GENERATION, "m").path("/m.gguf");
        for (int i = 0; i < options.length; i += 2) {
            builder.option(options[i], options[i + 1]);
        }
        return builder.build();
    }

    @Test
    void byDefaultEveryCoreForBothKindsOfStep() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(ThreadCounts.of(requirement(), ALL_CORES)).isEqualTo(new ThreadCounts(cores, cores));
        assertThat(ThreadCounts.of(requirement(), ALL_CORES).describe()).isEqualTo(Integer.toString(cores));
    }

    @Test
    void batchesFollowTheOneTokenThreadsUnlessNamed() {
        assertThat(ThreadCounts.of(requirement("n_threads", "1"), ALL_CORES)).isEqualTo(new ThreadCounts(1, 1));
        assertThat(ThreadCounts.of(requirement("n_threads", "1", "n_threads_batch", "3"), ALL_CORES))
            .isEqualTo(new ThreadCounts(1, 3));
        assertThat(ThreadCounts.of(requirement(), settings(1, 2))).isEqualTo(new ThreadCounts(1, 2));
        assertThat(ThreadCounts.of(requirement("n_threads_batch", "4"), settings(1, 2)))
            .isEqualTo(new ThreadCounts(1, 4));
        assertThat(new ThreadCounts(1, 2).describe()).isEqualTo("1 (one token a step), 2 (batches)");
    }

    @Test
    void aThreadCountBelowOneOrNotANumberIsATypedErrorNamingTheOption() {
        assertThatThrownBy(() -> ThreadCounts.of(requirement("n_threads_batch", "0"), ALL_CORES))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.field()).isEqualTo("options.n_threads_batch");
            }).hasMessageContaining("options.n_threads_batch: must be a whole number >= 1, was 0");
        assertThatThrownBy(() -> ThreadCounts.of(requirement("n_threads", "two"), ALL_CORES))
            .hasMessageContaining("options.n_threads: must be a whole number >= 1, was two");
    }
}
