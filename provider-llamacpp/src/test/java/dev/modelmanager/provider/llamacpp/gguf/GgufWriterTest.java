package dev.modelmanager.provider.llamacpp.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;

/** The writer's encodings, read back by {@link GgufReader} and by hand, and loaded by llama.cpp. */
class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void halvesRoundTripAndRoundToNearest() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfFloat.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertThat(HalfFloat.fromFloat(f)).as("half %04x", h).isEqualTo((short) h);
            }
        }
        // Positive values from below the smallest subnormal to the largest finite half (the sign is one bit apart).
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) (random.nextDouble() * Math.pow(2, random.nextInt(-26, 16)));
            short h = HalfFloat.fromFloat(f);
            float error = Math.abs(HalfFloat.toFloat(h) - f);
            assertThat(error).as("%s", f).isLessThanOrEqualTo(Math.abs(HalfFloat.toFloat((short) (h + 1)) - f));
            if (h > 0) {
                assertThat(error).as("%s", f).isLessThanOrEqualTo(Math.abs(HalfFloat.toFloat((short) (h - 1)) - f));
            }
        }
        assertThat(HalfFloat.fromFloat(1e6f)).isEqualTo((short) 0x7c00);
        assertThat(HalfFloat.fromFloat(-0f)).isEqualTo((short) 0x8000);
    }

    @Test
    void f16AndQ8TensorsReadBackWithTheirTypesShapesOffsetsAndValues() throws Exception {
        GgufWriter.Values values = GgufWriter.uniform(42, 0.5f);
        // 512 x 1024 elements: more than one chunk of the streaming write.
        GgufWriter writer = new GgufWriter().put("general.architecture", "llama").put("general.name", "mixed")
            .tensor("norm.weight", new float[] {1, 2, 3}, 3)
            .tensor("half.weight", GgufWriter.Type.F16, values, 512, 1024)
            .tensor("odd.weight", GgufWriter.Type.F16, values, 7, 3)
            .tensor("q8.weight", GgufWriter.Type.Q8_0, values, 64, 3);
        Path file = dir.resolve("mixed.gguf");
        writer.write(file);
        assertThat(Files.size(file)).isEqualTo(writer.size());
        assertThat(Files.readAllBytes(file)).isEqualTo(writer.bytes());
        assertThat(dir.toFile().list()).containsExactly("mixed.gguf"); // no partial file left

        GgufFile gguf = GgufReader.read(file);
        assertThat(gguf.dataOffset() % 32).isZero();
        assertThat(gguf.tensors()).extracting(GgufFile.TensorInfo::type).containsExactly(0, 1, 1, 8);
        assertThat(gguf.tensors()).extracting(t -> t.shape().length).containsExactly(1, 2, 2, 2);
        assertThat(gguf.tensors().get(3).shape()).containsExactly(64, 3);
        // Each tensor starts where the one before ends, rounded up to 32 bytes.
        assertThat(gguf.tensors()).extracting(GgufFile.TensorInfo::offset)
            .containsExactly(0L, 32L, 32L + 512 * 1024 * 2, 32L + 512 * 1024 * 2 + 64);
        assertThat(gguf.weightBytes()).isEqualTo(32 + 512 * 1024 * 2 + 64 + 224); // the last: 6 blocks of 34 bytes, padded
        assertThat(gguf.quantization()).isEqualTo("F16");

        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int f32 = (int) gguf.dataOffset();
        assertThat(data.getFloat(f32 + 8)).isEqualTo(3f);
        int f16 = (int) (gguf.dataOffset() + gguf.tensors().get(1).offset());
        for (int i = 0; i < 512 * 1024; i += 997) {
            assertThat(HalfFloat.toFloat(data.getShort(f16 + 2 * i))).isCloseTo(values.at(i), within(0.5f / 1024));
        }
        int q8 = (int) (gguf.dataOffset() + gguf.tensors().get(3).offset());
        for (int block = 0; block < 6; block++) {
            float max = 0;
            for (int j = 0; j < 32; j++) {
                max = Math.max(max, Math.abs(values.at(block * 32 + j)));
            }
            float d = HalfFloat.toFloat(data.getShort(q8 + 34 * block));
            assertThat(d).isCloseTo(max / 127, within(max / 127 / 1000));
            for (int j = 0; j < 32; j++) { // half a step, plus the scale's rounding to F16 times up to 127
                float x = values.at(block * 32 + j);
                assertThat(data.get(q8 + 34 * block + 2 + j) * d).as("block %d #%d", block, j).isCloseTo(x, within(d * 0.57f));
            }
        }
    }

    @Test
    void q4TensorsAreGgmlsBlocksOfAScaleAndSixteenBytesOfNibbles() throws Exception {
        GgufWriter.Values values = GgufWriter.uniform(7, 0.5f);
        GgufWriter writer = new GgufWriter().put("general.architecture", "llama")
            .tensor("q4.weight", GgufWriter.Type.Q4_0, values, 64, 3);
        Path file = dir.resolve("q4.gguf");
        writer.write(file);
        GgufFile gguf = GgufReader.read(file);
        assertThat(gguf.tensors().get(0).type()).isEqualTo(2);
        assertThat(gguf.quantization()).isEqualTo("Q4_0");
        assertThat(gguf.weightBytes()).isEqualTo(128); // 6 blocks of 18 bytes (108), padded to 32
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int q4 = (int) gguf.dataOffset();
        for (int block = 0; block < 6; block++) {
            float d = HalfFloat.toFloat(data.getShort(q4 + 18 * block));
            // ggml's dequantisation: (q - 8) * d. Within half a step, but for the side opposite the largest element,
            // which reaches only 7 steps of the 8 (q is clamped to 15): there within one.
            float largest = 0;
            for (int j = 0; j < 32; j++) {
                float x = values.at(block * 32 + j);
                largest = Math.abs(x) > Math.abs(largest) ? x : largest;
            }
            assertThat(d).isCloseTo(largest / -8, within(Math.abs(largest) / 8 / 1000));
            for (int j = 0; j < 32; j++) {
                int packed = data.get(q4 + 18 * block + 2 + j % 16) & 0xff;
                int q = j < 16 ? packed & 0x0f : packed >> 4;
                float x = values.at(block * 32 + j);
                boolean clamped = Math.signum(x) != Math.signum(largest) && Math.abs(x) > 7 * Math.abs(d);
                assertThat((q - 8) * d).as("block %d #%d", block, j)
                    .isCloseTo(x, within(Math.abs(d) * (clamped ? 1.01f : 0.51f) + 1e-4f));
            }
        }
    }

    @Test
    void uniformValuesAreAFunctionOfSeedAndIndexWithinTheLimit() {
        GgufWriter.Values a = GgufWriter.uniform(1, 0.02f);
        double sum = 0;
        float max = 0;
        for (long i = 0; i < 100_000; i++) {
            float v = a.at(i);
            sum += v;
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isLessThanOrEqualTo(0.02f).isGreaterThan(0.0199f);
        assertThat(sum / 100_000).isCloseTo(0, within(0.0002));
        assertThat(a.at(12345)).isEqualTo(GgufWriter.uniform(1, 0.02f).at(12345))
            .isNotEqualTo(GgufWriter.uniform(2, 0.02f).at(12345));
    }

    @Test
    void q8RowsMustBeWholeBlocks() {
        assertThatThrownBy(() -> new GgufWriter().tensor("t", GgufWriter.Type.Q8_0, i -> 0f, 48, 2))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks of 32");
    }

    /**
     * llama.cpp loads F16, Q8_0 and Q4_0 weights as written: a model whose greedy output is known (one-hot embeddings,
     * zero attention and feed-forward, an output matrix from each letter to the next) counts through the alphabet
     * in both types, which it would not if the scales, byte order or block layout were off.
     */
    @Test
    void llamaCppLoadsF16AndQ8WeightsAndComputesWithThem() throws Exception {
        // java-llama.cpp extracts its library into this folder (set by the build), which a clean checkout lacks
        String natives = System.getProperty("de.kherud.llama.tmpdir");
        if (natives != null) {
            Files.createDirectories(Path.of(natives));
        }
        for (GgufWriter.Type type : List.of(GgufWriter.Type.F16, GgufWriter.Type.Q8_0, GgufWriter.Type.Q4_0)) {
            Path file = dir.resolve("counter-" + type + ".gguf");
            counter(type).write(file);
            assertThat(GgufReader.read(file).quantization()).isEqualTo(type.name());
            try (LlamaModel model = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(64)
                .setThreads(1).disableLog())) {
                StringBuilder text = new StringBuilder();
                for (LlamaOutput out : model.generate(new InferenceParameters("a").setTemperature(0f).setNPredict(5))) {
                    text.append(out.text);
                }
                assertThat(text.toString()).as(type.name()).isEqualTo(" b c d e f");
            }
        }
    }

    private static GgufWriter counter(GgufWriter.Type type) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (char c = 'a'; c <= 'p'; c++) {
            tokens.add("\u2581" + c);
        }
        int vocab = tokens.size();
        int embd = 32;
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < vocab; i++) {
            scores.add(i < 3 ? 0f : -1f);
            types.add(i == 0 ? 2 : i < 3 ? 3 : 1);
        }
        GgufWriter w = new GgufWriter().put("general.architecture", "llama").put("general.name", "counter")
            .put("llama.context_length", 64).put("llama.embedding_length", embd).put("llama.block_count", 1)
            .put("llama.feed_forward_length", 32).put("llama.attention.head_count", 4)
            .put("llama.attention.head_count_kv", 2).put("llama.rope.dimension_count", embd / 4)
            .put("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .put("tokenizer.ggml.model", "llama").put("tokenizer.ggml.tokens", tokens)
            .put("tokenizer.ggml.scores", scores).put("tokenizer.ggml.token_type", types)
            .put("tokenizer.ggml.bos_token_id", 1).put("tokenizer.ggml.eos_token_id", 2)
            .put("tokenizer.ggml.unknown_token_id", 0).put("tokenizer.ggml.add_bos_token", false);
        GgufWriter.Values ones = i -> 1f;
        GgufWriter.Values zeros = i -> 0f;
        w.tensor("token_embd.weight", type, i -> i / embd == i % embd ? 1f : 0f, embd, vocab);
        w.tensor("output_norm.weight", GgufWriter.Type.F32, ones, embd);
        // After letter v-1 comes letter v: row v (the logit of v) reads axis v-1.
        w.tensor("output.weight", type, i -> i / embd >= 4 && i % embd == i / embd - 1 ? 10f : 0f, embd, vocab);
        w.tensor("blk.0.attn_norm.weight", GgufWriter.Type.F32, ones, embd);
        w.tensor("blk.0.attn_q.weight", type, zeros, embd, embd);
        w.tensor("blk.0.attn_k.weight", type, zeros, embd, embd / 2);
        w.tensor("blk.0.attn_v.weight", type, zeros, embd, embd / 2);
        w.tensor("blk.0.attn_output.weight", type, zeros, embd, embd);
        w.tensor("blk.0.ffn_norm.weight", GgufWriter.Type.F32, ones, embd);
        w.tensor("blk.0.ffn_gate.weight", type, zeros, embd, 32);
        w.tensor("blk.0.ffn_up.weight", type, zeros, embd, 32);
        w.tensor("blk.0.ffn_down.weight", type, zeros, 32, embd);
        return w;
    }
}
