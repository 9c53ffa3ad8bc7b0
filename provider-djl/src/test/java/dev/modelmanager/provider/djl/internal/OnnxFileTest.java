package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outline of real ONNX exports, and what it refuses: files that are not ONNX, are cut short or corrupt. */
class OnnxFileTest {
    static final Path BERT = Fixtures.MODELS.resolve("tiny-bert-sentiment/onnx/model.onnx");
    static final Path T5 = Fixtures.MODELS.resolve("tiny-t5-en-fr/onnx");

    @TempDir
    Path dir;

    @Test
    void readsTheInputsAndOutputsOfRealExports() throws Exception {
        OnnxFile bert = OnnxFile.read(BERT);
        assertThat(bert.irVersion()).isPositive();
        assertThat(bert.inputs()).extracting(OnnxFile.Value::name)
            .containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(bert.outputs()).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo("logits");
            assertThat(o.shape()).hasSize(2).endsWith(2L); // [batch, 2 labels]
        });
        assertThat(bert.externalData()).isEmpty();

        for (String jarModel : List.of("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2.onnx", "bge-small-en-v1.5.onnx")) {
            OnnxFile embedder = OnnxFile.read(Fixtures.extract(jarModel));
            assertThat(embedder.hasInput("input_ids")).as(jarModel).isTrue();
            assertThat(embedder.output("last_hidden_state")).as(jarModel).hasValueSatisfying(o ->
                assertThat(o.shape()).hasSize(3).endsWith(384L));
        }
        assertThat(OnnxFile.read(T5.resolve("encoder_model.onnx")).outputs()).extracting(OnnxFile.Value::name)
            .containsExactly("last_hidden_state");
        assertThat(OnnxFile.read(T5.resolve("decoder_model.onnx")).hasOutput("logits")).isTrue();
    }

    @Test
    void refusesWhatIsNotAWholeOnnxModel() throws Exception {
        byte[] real = Files.readAllBytes(BERT);
        for (int keep : new int[] {real.length - 1, real.length - 100, real.length / 2, 64, 3}) {
            Path cut = Files.write(dir.resolve("cut-" + keep + ".onnx"), Arrays.copyOf(real, keep));
            assertThatThrownBy(() -> OnnxFile.read(cut)).as("%d of %d bytes", keep, real.length)
                .isInstanceOf(OnnxFile.FormatException.class).hasMessageStartingWith("is truncated");
        }
        byte[] noise = new byte[400_000];
        new Random(11).nextBytes(noise);
        Path random = Files.write(dir.resolve("random.onnx"), noise);
        Path text = Files.writeString(dir.resolve("text.onnx"), "root:$6$x:19000:0:99999:7:::\nAPI_KEY=sk-live\n");
        Path gguf = Fixtures.MODELS.resolve("stories260K.gguf");
        for (Path notOnnx : List.of(random, text, gguf)) {
            assertThatThrownBy(() -> OnnxFile.read(notOnnx)).as(notOnnx.toString())
                .isInstanceOf(OnnxFile.FormatException.class)
                .hasMessage("is not an ONNX model (its bytes are not an ONNX protobuf)");
        }
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> OnnxFile.read(empty)).hasMessage("is empty");
    }

    @Test
    void refusesACopyWhoseStructureWasDamaged() throws Exception {
        byte[] corrupt = Files.readAllBytes(BERT);
        Random random = new Random(1);
        for (int i = 2000; i < corrupt.length; i += 97) {
            corrupt[i] = (byte) random.nextInt(256);
        }
        Path damaged = Files.write(dir.resolve("damaged.onnx"), corrupt);
        assertThatThrownBy(() -> OnnxFile.read(damaged)).isInstanceOf(OnnxFile.FormatException.class)
            .satisfies(e -> assertThat(e.getMessage()).matches("is (corrupt|truncated) \\(.*\\)"));

        byte[] zeroed = Files.readAllBytes(BERT);
        Arrays.fill(zeroed, 30, 90, (byte) 0);
        Path hole = Files.write(dir.resolve("hole.onnx"), zeroed);
        assertThatThrownBy(() -> OnnxFile.read(hole)).isInstanceOf(OnnxFile.FormatException.class);
    }

    @Test
    void readsWhatItWasGiven() throws Exception {
        Path file = Files.write(dir.resolve("written.onnx"), new OnnxBytes().input("input_ids", -1, -1)
            .output("last_hidden_state", -1, -1, 8).output("pooled", 1, 8).externalInitializer("w", "model.onnx_data")
            .bytes());
        OnnxFile onnx = OnnxFile.read(file);
        assertThat(onnx.irVersion()).isEqualTo(8);
        assertThat(onnx.inputs()).containsExactly(new OnnxFile.Value("input_ids", List.of(-1L, -1L)));
        assertThat(onnx.outputs()).containsExactly(new OnnxFile.Value("last_hidden_state", List.of(-1L, -1L, 8L)),
            new OnnxFile.Value("pooled", List.of(1L, 8L)));
        assertThat(onnx.externalData()).containsExactly("model.onnx_data");
    }
}
