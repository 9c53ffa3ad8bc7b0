package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.spi.EmbeddingModel.Encoded;

/**
 * Token counts of embeddings: known counts add up, an unknown one ({@link Embedding#UNKNOWN}) is not taken for 0, and
 * truncated inputs are found by position; the SPI's {@link Encoded} keeps its counts consistent.
 */
class EmbeddingResultTest {
    private static final float[] V = {1f, 0f};

    private static Embedding counted(int tokens, int truncated) {
        return new Embedding(V, false, Duration.ZERO, "m#0", "cpu", tokens, truncated);
    }

    @Test
    void knownCountsAddUpAndTruncatedInputsAreFoundByPosition() {
        EmbeddingResult r = new EmbeddingResult("m", List.of(counted(8, 0), counted(256, 1746), counted(12, 0),
            counted(256, 3)), Duration.ZERO);
        assertThat(r.totalTokens()).isEqualTo(532);
        assertThat(r.truncationKnown()).isTrue();
        assertThat(r.truncatedCount()).isEqualTo(2);
        assertThat(r.truncatedIndices()).containsExactly(1, 3);
        assertThat(r.embeddings().get(1).truncated()).isTrue();
        assertThat(r.embeddings().get(1).untruncatedTokens()).isEqualTo(2002);
    }

    @Test
    void theFiveArgumentEmbeddingHasUnknownCountsThatAreNotZero() {
        Embedding old = new Embedding(V, true, Duration.ZERO, null, null);
        assertThat(old.tokens()).isEqualTo(Embedding.UNKNOWN);
        assertThat(old.truncatedTokens()).isEqualTo(Embedding.UNKNOWN);
        assertThat(old.truncated()).isFalse();
        assertThat(old.untruncatedTokens()).isEqualTo(Embedding.UNKNOWN);
        EmbeddingResult r = new EmbeddingResult("m", List.of(counted(8, 0), old), Duration.ZERO);
        assertThat(r.totalTokens()).isEqualTo(Embedding.UNKNOWN);
        assertThat(r.truncationKnown()).isFalse();
        assertThat(r.truncatedIndices()).isEmpty();
        assertThatThrownBy(() -> new Embedding(V, false, Duration.ZERO, null, null, -2, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodedBatchesCountPerTextOrOnlyAsAWhole() {
        Encoded counted = Encoded.counted(List.of(V, V), new int[] {8, 256}, new int[] {0, 10});
        assertThat(counted.totalTokens()).isEqualTo(264);
        assertThat(counted.truncatedTokens()).containsExactly(0, 10);
        Encoded uncounted = Encoded.uncounted(List.of(V, V));
        assertThat(uncounted.tokens()).containsExactly(Embedding.UNKNOWN, Embedding.UNKNOWN);
        assertThat(uncounted.totalTokens()).isEqualTo(Embedding.UNKNOWN);
        Encoded whole = Encoded.totalOnly(List.of(V, V), 19);
        assertThat(whole.tokens()).containsExactly(Embedding.UNKNOWN, Embedding.UNKNOWN);
        assertThat(whole.totalTokens()).isEqualTo(19);
        assertThat(Encoded.totalOnly(List.of(V), 7).tokens()).as("one text's count is the call's").containsExactly(7);
        assertThatThrownBy(() -> new Encoded(List.of(V), List.of(3), List.of(0), 4))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum");
        assertThatThrownBy(() -> new Encoded(List.of(V, V), List.of(3), List.of(0), 3))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per vector");
    }

    @Test
    void optionsKeepTheirOldConstructorAndTruncateFollowsTheModelUnlessSet() {
        assertThat(new EmbeddingOptions("query").truncate()).isNull();
        assertThat(EmbeddingOptions.DEFAULTS.truncate()).isNull();
        assertThat(EmbeddingOptions.prompt("query").withTruncate(false))
            .isEqualTo(new EmbeddingOptions("query", false));
    }
}
