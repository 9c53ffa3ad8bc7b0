package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A graph's second, wide session answers exactly what its narrow one does, and stays only where it made a run alone
 * faster when timed at load; otherwise it is closed and the model holds one copy of its weights.
 */
class WideSessionTest {
    /** "a man is eating food." in MiniLM's word pieces. */
    private static final long[] IDS = {101, 1037, 2158, 2003, 5983, 2833, 1012, 102};

    private static Map<String, OnnxModel.LongInput> sample() {
        long[] mask = new long[IDS.length];
        java.util.Arrays.fill(mask, 1);
        return Map.of("input_ids", new OnnxModel.LongInput(IDS, 1, IDS.length),
            "attention_mask", new OnnxModel.LongInput(mask, 1, IDS.length),
            "token_type_ids", new OnnxModel.LongInput(new long[IDS.length], 1, IDS.length));
    }

    @Test
    void bothSessionsGiveTheSameOutputAndTheWideOneStaysOnlyWhereItIsFaster() throws Exception {
        for (String file : new String[] {"all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2.onnx"}) {
            Path onnx = Fixtures.extract(file);
            OrtRuntime runtime = new OrtRuntime(new OrtRuntime.Settings(2, 1, 2, 8192, 32, 1L << 30, 2));
            try (OnnxModel model = new OnnxModel(runtime, onnx, "cpu", 1, true)) {
                assertThat(model.sessions()).isEqualTo(2);
                String output = model.output("last_hidden_state");
                float[] narrow = model.run(false, sample(), Map.of(), output).values();
                assertThat(model.run(true, sample(), Map.of(), output).values()).as(file).containsExactly(narrow);

                String outcome = model.keepWideIfFaster(sample());
                assertThat(outcome).as(file).matches("(kept|dropped: no faster) \\(\\d+\\.\\d\\d ms wide vs \\d+\\.\\d\\d "
                    + "ms on 1 thread\\(s\\), median of \\d+ runs at load\\)");
                assertThat(model.sessions()).as(outcome).isEqualTo(outcome.startsWith("kept") ? 2 : 1);
                assertThat(model.run(true, sample(), Map.of(), output).values()).as("after: " + outcome)
                    .containsExactly(narrow);
            } finally {
                runtime.close();
            }
        }
    }

    @Test
    void aModelWithOneSessionHasNothingToTime() throws Exception {
        OrtRuntime runtime = new OrtRuntime(new OrtRuntime.Settings(2, 1, 2, 8192, 32, 0, 2));
        try (OnnxModel model = new OnnxModel(runtime, Fixtures.extract("all-minilm-l6-v2-q.onnx"), "cpu", 1)) {
            assertThat(model.keepWideIfFaster(sample())).isNull();
            assertThat(model.sessions()).isEqualTo(1);
        } finally {
            runtime.close();
        }
    }
}
