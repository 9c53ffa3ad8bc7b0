package dev.modelmanager.provider.llamacpp.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {
    static final Path STORIES = Path.of(System.getProperty("shared.models", "../../shared/models"), "stories260K.gguf");

    @TempDir
    Path dir;

    @Test
    void readsTheHeaderOfARealModel() throws Exception {
        GgufFile gguf = GgufReader.read(STORIES);
        assertThat(gguf.version()).isEqualTo(3);
        assertThat(gguf.architecture()).isEqualTo("llama");
        assertThat(gguf.layers()).isEqualTo(5);
        assertThat(gguf.embeddingLength()).isEqualTo(64);
        assertThat(gguf.headCount()).isEqualTo(8);
        assertThat(gguf.headCountKv()).isEqualTo(4);
        assertThat(gguf.kvEmbeddingLength()).isEqualTo(32);
        assertThat(gguf.contextLength()).isEqualTo(2048); // as llama.cpp reports it: n_ctx_train = 2048
        assertThat(gguf.quantization()).isEqualTo("F32");
        assertThat(gguf.chatTemplate()).isEmpty();
        assertThat(gguf.metadata().get("tokenizer.ggml.tokens")).asList().hasSize(512);
        // 292,800 parameters of F32, plus the header.
        long parameters = gguf.tensors().stream().mapToLong(GgufFile.TensorInfo::elements).sum();
        assertThat(parameters).isEqualTo(292_800);
        assertThat(gguf.weightBytes()).isBetween(parameters * 4, parameters * 4 + 64L * gguf.tensors().size());
    }

    @Test
    void readsWhatItWasGiven() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        Files.write(file, new GgufWriter().put("general.architecture", "bert").put("bert.block_count", 2)
            .put("bert.embedding_length", 64).put("bert.attention.head_count", 4).put("bert.pooling_type", 2)
            .put("bert.context_length", 128L).put("tokenizer.chat_template", "{{ messages }}")
            .put("tokenizer.ggml.tokens", List.of("[PAD]", "[CLS]")).put("general.flag", true).put("x.scale", 0.5f)
            .tensor("token_embd.weight", 64, 2).bytes());
        GgufFile gguf = GgufReader.read(file);
        assertThat(gguf.pooling()).contains(GgufFile.Pooling.CLS);
        assertThat(gguf.chatTemplate()).contains("{{ messages }}");
        assertThat(gguf.kvEmbeddingLength()).isEqualTo(64);
        assertThat(gguf.metadata()).containsEntry("general.flag", true).containsEntry("x.scale", 0.5f);
        assertThat(gguf.tensors()).singleElement().satisfies(t -> assertThat(t.shape()).containsExactly(64, 2));
        assertThat(gguf.weightBytes()).isEqualTo(64 * 2 * 4);
    }

    @Test
    void refusesWhatIsNotAWholeGgufFile() throws Exception {
        Path notGguf = Files.writeString(dir.resolve("model.gguf"), "PK\u0003\u0004 this is a zip");
        assertThatThrownBy(() -> GgufReader.read(notGguf)).isInstanceOf(GgufFormatException.class)
            .hasMessage("model.gguf is not a GGUF file (it does not start with \"GGUF\")");

        byte[] real = Files.readAllBytes(STORIES);
        Path headerCut = dir.resolve("header-cut.gguf");
        Files.write(headerCut, Arrays.copyOf(real, 200));
        assertThatThrownBy(() -> GgufReader.read(headerCut)).isInstanceOf(GgufFormatException.class)
            .hasMessageContaining("truncated");

        Path dataCut = dir.resolve("data-cut.gguf");
        Files.write(dataCut, Arrays.copyOf(real, real.length / 2));
        assertThatThrownBy(() -> GgufReader.read(dataCut)).isInstanceOf(GgufFormatException.class)
            .hasMessageContaining("data-cut.gguf is truncated").hasMessageContaining("its tensors need");

        assertThatThrownBy(() -> GgufReader.read(dir)).isInstanceOf(GgufFormatException.class)
            .hasMessageContaining("is a folder");
        assertThatThrownBy(() -> GgufReader.read(dir.resolve("absent.gguf"))).isInstanceOf(NoSuchFileException.class);

        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        assertThatThrownBy(() -> GgufReader.read(empty)).isInstanceOf(GgufFormatException.class)
            .hasMessageContaining("truncated");
    }

    @Test
    void aFileCutShortInsideItsLastTensorIsRefused() throws Exception {
        byte[] real = Files.readAllBytes(STORIES);
        Path whole = dir.resolve("whole.gguf");
        Files.write(whole, real);
        assertThat(GgufReader.read(whole).tensors()).hasSize(GgufReader.read(STORIES).tensors().size());
        for (int missing : new int[] {1, 4, 100, 4096}) {
            Path cut = dir.resolve("cut-" + missing + ".gguf");
            Files.write(cut, Arrays.copyOf(real, real.length - missing));
            assertThatThrownBy(() -> GgufReader.read(cut)).as("%d bytes missing", missing)
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("cut-" + missing + ".gguf is truncated");
        }
    }

    @Test
    void messagesQuoteNothingOfTheFileAndNameItWithoutItsFolder() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.gguf"), "root:$6$saltsalt$hash:19000:0:99999:7:::\n");
        byte[] random = new byte[5000];
        new java.util.Random(42).nextBytes(random);
        Path noise = Files.write(dir.resolve("noise.gguf"), random);
        // GGUF magic, then a version and counts that are someone's secret bytes.
        byte[] header = Arrays.copyOf("GGUF".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 64);
        System.arraycopy("key=s3cr3t-value!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, header, 4, 17);
        Path fake = Files.write(dir.resolve("fake.gguf"), header);
        for (Path file : List.of(secret, noise, fake)) {
            assertThatThrownBy(() -> GgufReader.read(file)).isInstanceOfSatisfying(GgufFormatException.class, e ->
                assertThat(e.getMessage()).startsWith(file.getFileName().toString())
                    .doesNotContain(dir.toString()).doesNotContain("root").doesNotContain("726f6f74")
                    .doesNotContain("s3cr3t").doesNotContainPattern("0x[0-9a-f]{8}")
                    .doesNotContain(Long.toUnsignedString(java.nio.ByteBuffer.wrap(header, 4, 4)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL)));
        }
    }
}
