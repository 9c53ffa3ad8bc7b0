package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Pooling on a run of two texts of 3 positions and 2 dimensions, the second text one token shorter (padded), as
 * sentence-transformers computes each mode.
 */
class PoolingTest {
    // text 0: tokens (1,2) (3,4) (5,6); text 1: (10,20) (30,40) and a pad (99,99)
    private static final float[] HIDDEN = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 99, 99};
    private static final long[] MASK = {1, 1, 1, 1, 1, 0};

    private static float[] pool(Pooling p, int row) {
        return p.pool(HIDDEN, MASK, row, 3, 2);
    }

    @Test
    void eachModeAsSentenceTransformersComputesIt() {
        assertThat(pool(Pooling.CLS, 1)).containsExactly(10, 20);
        assertThat(pool(Pooling.MEAN, 0)).containsExactly(3, 4);
        assertThat(pool(Pooling.MEAN, 1)).as("the pad is left out").containsExactly(20, 30);
        assertThat(pool(Pooling.MAX, 1)).containsExactly(30, 40);
        assertThat(pool(Pooling.LAST_TOKEN, 1)).as("the last real token").containsExactly(30, 40);
        assertThat(pool(Pooling.LAST_TOKEN, 0)).containsExactly(5, 6);
        float[] sqrt = pool(Pooling.MEAN_SQRT_LEN, 1);
        assertThat(sqrt[0]).isCloseTo((float) (40 / Math.sqrt(2)), within(1e-5f));
        // weights 1 and 2 by position: (1*10 + 2*30) / 3, (1*20 + 2*40) / 3
        float[] weighted = pool(Pooling.WEIGHTED_MEAN, 1);
        assertThat(weighted[0]).isCloseTo(70f / 3, within(1e-5f));
        assertThat(weighted[1]).isCloseTo(100f / 3, within(1e-5f));
    }

    @Test
    void severalModesConcatenateInSentenceTransformersOrder() {
        assertThat(Pooling.pool(List.of(Pooling.MEAN, Pooling.CLS), HIDDEN, MASK, 1, 3, 2))
            .containsExactly(10, 20, 20, 30);
    }

    @Test
    void modesAreNamedAsTheirConfigAndOptionsNameThem() {
        assertThat(Pooling.of("cls")).isEqualTo(Pooling.CLS);
        assertThat(Pooling.of("mean_sqrt_len")).isEqualTo(Pooling.MEAN_SQRT_LEN);
        assertThat(Pooling.of("lasttoken")).isEqualTo(Pooling.LAST_TOKEN);
        assertThat(Pooling.of("last_token")).isEqualTo(Pooling.LAST_TOKEN);
        assertThat(Pooling.of("weightedmean")).isEqualTo(Pooling.WEIGHTED_MEAN);
        assertThatThrownBy(() -> Pooling.of("median")).hasMessageContaining("unknown pooling 'median'");
    }
}
