package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class BatchesTest {
    @Test
    void textsRunAloneWhenTheModelCannotBatchExactly() {
        assertThat(Batches.plan(new int[] {5, 7, 9}, true, 32, 8192)).extracting(Arrays::toString)
            .containsExactly("[0]", "[1]", "[2]");
    }

    @Test
    void similarLengthsRunTogetherAndAShortTextIsNotPaddedToALongOne() {
        int[] lengths = {100, 10, 11, 12, 98, 10};
        List<int[]> runs = Batches.plan(lengths, false, 32, 8192);
        assertThat(runs).extracting(Arrays::toString).containsExactly("[1, 5, 2, 3]", "[4, 0]");
    }

    @Test
    void theTokenBudgetAndTextCountCutRuns() {
        int[] lengths = new int[10];
        Arrays.fill(lengths, 20);
        assertThat(Batches.plan(lengths, false, 4, 8192)).extracting(r -> r.length).containsExactly(4, 4, 2);
        assertThat(Batches.plan(lengths, false, 32, 100)).extracting(r -> r.length).containsExactly(5, 5);
        assertThat(Batches.plan(new int[] {500, 20}, false, 32, 100)).as("a text over the budget runs alone")
            .extracting(r -> r.length).containsExactly(1, 1);
    }

    @Test
    void everyTextIsPlannedOnce() {
        int[] lengths = new int[257];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 5 + (i * 37) % 200;
        }
        List<int[]> runs = Batches.plan(lengths, false, 32, 4096);
        assertThat(runs.stream().flatMapToInt(Arrays::stream).sorted().toArray())
            .isEqualTo(java.util.stream.IntStream.range(0, lengths.length).toArray());
        for (int[] run : runs) {
            int max = Arrays.stream(run).map(i -> lengths[i]).max().orElseThrow();
            int real = Arrays.stream(run).map(i -> lengths[i]).sum();
            assertThat((double) (run.length * max - real)).isLessThanOrEqualTo(Batches.MAX_PADDING * run.length * max);
            assertThat(run.length * max).isLessThanOrEqualTo(4096);
        }
    }
}
