package dev.modelmanager.core.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelStats;

class RetainedStatsTest {
    private static ModelStats requests(long n) {
        return new ModelStats(n, 0, 0, n, 0, 0, 0, ModelStats.EMPTY.latencyBuckets());
    }

    @Test
    void theMostRecentlyPutAreKeptOldestFirstAndTheOldestForgotten() {
        RetainedStats retained = new RetainedStats(3);
        retained.put("a", requests(1));
        retained.put("b", requests(2));
        retained.put("c", requests(3));
        retained.put("a", requests(4)); // removed again: now the newest
        retained.put("d", requests(5)); // b is the oldest: forgotten
        assertThat(retained.snapshot().keySet()).containsExactly("c", "a", "d");
        assertThat(retained.snapshot().get("a").requests()).isEqualTo(4);
        assertThat(retained.remove("b")).isNull();
        assertThat(retained.remove("c").requests()).isEqualTo(3);
        assertThat(retained.snapshot().keySet()).containsExactly("a", "d");
    }

    @Test
    void putAllKeepsTheOrderItIsGivenAndTheLimit() {
        Map<String, ModelStats> saved = new LinkedHashMap<>();
        for (String id : List.of("z", "y", "x", "w")) {
            saved.put(id, requests(1));
        }
        RetainedStats retained = new RetainedStats(3);
        retained.putAll(saved);
        assertThat(retained.snapshot().keySet()).containsExactly("y", "x", "w");
        assertThat(new RetainedStats().snapshot()).isEmpty();
    }
}
