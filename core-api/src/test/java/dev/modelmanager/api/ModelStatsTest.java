package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Token-time histograms: empty by default, estimated like the latency one, added by {@code plus}, validated. */
class ModelStatsTest {
    private static final List<Long> NO_CALLS = Collections.nCopies(ModelStats.LATENCY_BOUNDS_SECONDS.size() + 1, 0L);

    /** Cumulative buckets over {@code bounds} with {@code count} observations in the bucket of bound {@code at}. */
    private static List<Long> histogram(List<Double> bounds, int at, long count) {
        List<Long> buckets = new ArrayList<>();
        for (int i = 0; i <= bounds.size(); i++) {
            buckets.add(i >= at ? count : 0L);
        }
        return buckets;
    }

    @Test
    void statisticsWithoutTokenTimesHaveEmptyHistograms() {
        ModelStats stats = new ModelStats(3, 0, 0, 3, 0, 0, 0.3, NO_CALLS);
        assertThat(stats.timeToFirstTokenBuckets()).hasSize(ModelStats.TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS.size() + 1)
            .containsOnly(0L);
        assertThat(stats.interTokenLatencyBuckets()).hasSize(ModelStats.INTER_TOKEN_LATENCY_BOUNDS_SECONDS.size() + 1)
            .containsOnly(0L);
        assertThat(stats.timeToFirstTokenCount()).isZero();
        assertThat(stats.interTokenLatencyCount()).isZero();
        assertThat(stats.timeToFirstTokenQuantileSeconds(0.5)).isZero();
        assertThat(stats.interTokenLatencyQuantileSeconds(0.95)).isZero();
        assertThat(ModelStats.EMPTY.timeToFirstTokenCount()).isZero();
        assertThat(ModelStats.EMPTY).isEqualTo(new ModelStats(0, 0, 0, 0, 0, 0, 0, NO_CALLS, 0, null, 0, null));
    }

    @Test
    void tokenTimeQuantilesInterpolateInsideTheirBucket() {
        List<Double> ttft = ModelStats.TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS;
        List<Double> itl = ModelStats.INTER_TOKEN_LATENCY_BOUNDS_SECONDS;
        int ttftAt = ttft.indexOf(0.5);
        int itlAt = itl.indexOf(0.05);
        ModelStats stats = new ModelStats(4, 0, 0, 4, 4, 40, 4.0, histogram(ModelStats.LATENCY_BOUNDS_SECONDS, 10, 4),
            1.6, histogram(ttft, ttftAt, 4), 1.8, histogram(itl, itlAt, 36));
        assertThat(stats.timeToFirstTokenCount()).isEqualTo(4);
        assertThat(stats.interTokenLatencyCount()).isEqualTo(36);
        // Every observation lies in (0.25, 0.5]: the median is halfway through that bucket.
        assertThat(stats.timeToFirstTokenQuantileSeconds(0.5)).isBetween(ttft.get(ttftAt - 1), ttft.get(ttftAt));
        assertThat(stats.timeToFirstTokenQuantileSeconds(1)).isEqualTo(0.5);
        assertThat(stats.interTokenLatencyQuantileSeconds(0.95)).isBetween(itl.get(itlAt - 1), itl.get(itlAt));
    }

    @Test
    void plusAddsTheTokenTimeHistograms() {
        List<Double> ttft = ModelStats.TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS;
        List<Double> itl = ModelStats.INTER_TOKEN_LATENCY_BOUNDS_SECONDS;
        ModelStats a = new ModelStats(1, 0, 0, 1, 2, 3, 0.1, NO_CALLS, 0.2, histogram(ttft, 3, 1), 0.3,
            histogram(itl, 4, 2));
        ModelStats b = new ModelStats(1, 0, 1, 1, 2, 3, 0.1, NO_CALLS);
        ModelStats sum = a.plus(b).plus(a);
        assertThat(sum.timeToFirstTokenSeconds()).isEqualTo(0.4);
        assertThat(sum.timeToFirstTokenBuckets()).isEqualTo(histogram(ttft, 3, 2));
        assertThat(sum.interTokenLatencySeconds()).isEqualTo(0.6);
        assertThat(sum.interTokenLatencyBuckets()).isEqualTo(histogram(itl, 4, 4));
        assertThat(sum.cancelled()).isEqualTo(1);
    }

    @Test
    void histogramsOfTheWrongSizeAreRejected() {
        assertThatThrownBy(() -> new ModelStats(0, 0, 0, 0, 0, 0, 0, NO_CALLS, 0, List.of(0L), 0, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeToFirstTokenBuckets");
        assertThatThrownBy(() -> new ModelStats(0, 0, 0, 0, 0, 0, 0, NO_CALLS, 0, null, 0, List.of(0L, 0L)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interTokenLatencyBuckets");
    }
}
