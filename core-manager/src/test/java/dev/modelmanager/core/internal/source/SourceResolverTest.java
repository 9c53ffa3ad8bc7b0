package dev.modelmanager.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.ModelFiles;

class SourceResolverTest {
    private static final List<String> MINILM = List.of("onnx/model.onnx=all-minilm-l6-v2-q.onnx",
        "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json");

    @TempDir
    Path work;

    private SourceResolver resolver(String endpoint, boolean offline) {
        HubSettings hub = new HubSettings(endpoint, null, work.resolve("hub"), offline, false, Duration.ofSeconds(2),
            Duration.ofSeconds(2));
        return new SourceResolver(new HubClient(hub), ResourceLocator.of(getClass().getClassLoader()),
            work.resolve("resources"));
    }

    private static void assertMiniLm(ModelFiles files) throws Exception {
        assertThat(Files.size(files.require("onnx/model.onnx"))).isEqualTo(22_972_370L);
        assertThat(Files.size(files.require("tokenizer.json"))).isEqualTo(711_661L);
        assertThat(Files.readString(files.require("tokenizer.json"), StandardCharsets.UTF_8)).contains("[CLS]");
        assertThat(files.root().resolve("onnx/model.onnx")).isEqualTo(files.require("onnx/model.onnx"));
    }

    @Test
    void theMiniLmFilesComeOutOfTheLangChain4jJarOnTheClassPath() throws Exception {
        ModelFiles files = resolver("http://127.0.0.1:9", true).resolve(new ModelSource.Classpath(null, MINILM), List.of());
        assertMiniLm(files);
        // A second resolution reuses the extracted files.
        assertThat(resolver("http://127.0.0.1:9", true).resolve(new ModelSource.Classpath(null, MINILM), List.of())
            .require("onnx/model.onnx")).isEqualTo(files.require("onnx/model.onnx"));
    }

    @Test
    void theMiniLmFilesComeOutOfTheJarNamedByItsPath() throws Exception {
        URL url = getClass().getClassLoader().getResource("all-minilm-l6-v2-q.onnx");
        String jar = url.getPath().substring("file:".length(), url.getPath().indexOf("!/"));
        ModelFiles files = resolver("http://127.0.0.1:9", true).resolve(new ModelSource.Classpath(jar, MINILM), List.of());
        assertMiniLm(files);
        assertThatThrownBy(() -> resolver("http://127.0.0.1:9", true)
            .resolve(new ModelSource.Classpath(jar, List.of("nothing.onnx")), List.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.getMessage()).contains("has no nothing.onnx"));
    }

    @Test
    void missingResourcesAreNamed() {
        assertThatThrownBy(() -> resolver("http://127.0.0.1:9", true).verify(
            new ModelSource.Classpath(null, List.of("no/such/model.onnx")), List.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
                assertThat(e.getMessage()).contains("no resource no/such/model.onnx in the class path");
            });
    }

    @Test
    void localFilesAndFoldersAreUsedWhereTheyAre() throws Exception {
        Path gguf = Files.writeString(work.resolve("stories.gguf"), "GGUF");
        ModelFiles single = resolver("http://127.0.0.1:9", true).resolve(new ModelSource.LocalPath(gguf.toString()), List.of());
        assertThat(single.main()).isEqualTo(gguf);

        Path folder = Files.createDirectories(work.resolve("tiny-bert"));
        Files.writeString(folder.resolve("config.json"), "{}");
        ModelFiles dir = resolver("http://127.0.0.1:9", true).resolve(new ModelSource.LocalPath(folder.toString()),
            List.of(FileRequest.required("config.json"), FileRequest.optional("onnx/model_quantized.onnx")));
        assertThat(dir.root()).isEqualTo(folder);
        assertThat(dir.files()).containsOnlyKeys("config.json");

        assertThatThrownBy(() -> resolver("http://127.0.0.1:9", true).verify(new ModelSource.LocalPath(folder.toString()),
            List.of(FileRequest.required("onnx/model.onnx"))))
            .hasMessageContaining("has no onnx/model.onnx, which the provider needs");
        assertThatThrownBy(() -> resolver("http://127.0.0.1:9", true).verify(
            new ModelSource.LocalPath(work.resolve("absent").toString()), List.of()))
            .hasMessageContaining("no such file or folder");
    }

    @Test
    void hubSourcesFetchWhatTheProviderAsksForAndWhatTheSourceNames() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.file("org/bert", "config.json", "{}".getBytes(StandardCharsets.UTF_8))
                .lfsFile("org/bert", "onnx/model.onnx", new byte[] {1, 2, 3})
                .file("org/bert", "vocab.txt", "a\nb".getBytes(StandardCharsets.UTF_8));
            SourceResolver resolver = resolver(hub.endpoint(), false);
            ModelSource source = new ModelSource.Hub("org/bert", "main", List.of("vocab.txt"));
            List<FileRequest> wanted = List.of(FileRequest.required("config.json"), FileRequest.required("onnx/model.onnx"),
                FileRequest.optional("onnx/decoder_with_past_model.onnx"));
            assertThat(resolver.needsDownload(source, wanted)).isTrue();
            resolver.verify(source, wanted);
            assertThat(hub.count("GET", "hub") + hub.count("GET", "cdn")).as("verification downloads nothing").isZero();

            ModelFiles files = resolver.resolve(source, wanted);
            assertThat(files.files()).containsOnlyKeys("vocab.txt", "config.json", "onnx/model.onnx");
            assertThat(files.root()).isEqualTo(work.resolve("hub/models--org--bert/snapshots/" + FakeHub.COMMIT));
            assertThat(files.main()).isEqualTo(files.require("vocab.txt"));
            assertThat(resolver.needsDownload(source, wanted)).isFalse();

            assertThatThrownBy(() -> resolver.verify(new ModelSource.Hub("org/bert", "main", List.of("weights.gguf")), List.of()))
                .hasMessageContaining("no file org/bert/weights.gguf");
        }
    }

    @Test
    void remoteSourcesPassThroughUntouched() {
        assertThat(resolver("http://127.0.0.1:9", true).resolve(new ModelSource.Remote("ollama", "llama3.2"), List.of()))
            .isEqualTo(ModelFiles.NONE);
    }
}
