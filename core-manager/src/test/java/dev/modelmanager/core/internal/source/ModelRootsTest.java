package dev.modelmanager.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelSource;

/** Where a caller the operator has not vouched for may name model files, and how its paths are placed. */
class ModelRootsTest {
    @TempDir
    Path dir;

    @Test
    void theRootsAreTheListedFoldersThenTheModelsFolderThenTheHubCache() {
        Path home = dir.resolve("home");
        ModelRoots roots = ModelRoots.of(ModelRoots.parse(" extra , /srv/models,, "), home, dir.resolve("hub"));
        assertThat(roots.folders()).containsExactly(home.resolve("extra"), Path.of("/srv/models"),
            home.resolve("models"), dir.resolve("hub"));
        assertThat(ModelRoots.of(List.of(), null, null).folders()).isEmpty();
    }

    @Test
    void aPathOutsideTheRootsGetsOneAnswerWhetherItExistsOrNot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("models"));
        Path secret = Files.writeString(dir.resolve("secret.gguf"), "root:x:0:0");
        ModelRoots roots = new ModelRoots(List.of(root));
        for (String outside : List.of(secret.toString(), dir.resolve("absent.gguf").toString(), "/etc/shadow",
            "/root", "/no/such/folder", "../secret.gguf", "../absent.gguf", root + "/../secret.gguf")) {
            ModelException e = catchThrowableOfType(ModelException.class, () -> roots.place(outside, "source.path"));
            assertThat(e).as(outside).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_ALLOWED);
            assertThat(e.field()).isEqualTo("source.path");
            assertThat(e.reason()).isEqualTo("source.path: '" + outside + "' is not under the folders this server "
                + "serves models from (model.roots); name a file under one of them, or ask the operator to register it");
        }
    }

    @Test
    void aRelativePathIsLookedUpInEachRootInTurn() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        Files.writeString(second.resolve("b.gguf"), "x");
        Files.writeString(first.resolve("both.gguf"), "x");
        Files.writeString(second.resolve("both.gguf"), "x");
        ModelRoots roots = new ModelRoots(List.of(first, second));
        assertThat(roots.place("b.gguf", "source.path")).isEqualTo(second.resolve("b.gguf"));
        assertThat(roots.place("both.gguf", "source.path")).isEqualTo(first.resolve("both.gguf"));
        assertThat(roots.place("none.gguf", "source.path")).as("missing: in the first root, reported as missing later")
            .isEqualTo(first.resolve("none.gguf"));
        assertThat(roots.place("sub/../b.gguf", "source.path")).isEqualTo(second.resolve("b.gguf"));
        assertThat(roots.place(second.resolve("b.gguf").toString(), "source.path")).isEqualTo(second.resolve("b.gguf"));
    }

    @Test
    void sourcesKeepAbsolutePathsAndConfinedOnesStayInTheRoots() throws Exception {
        Path root = Files.createDirectories(dir.resolve("models"));
        Files.writeString(root.resolve("m.jar"), "x");
        assertThat(SourcePaths.absolute(new ModelSource.LocalPath("a/../b.gguf"), dir))
            .isEqualTo(new ModelSource.LocalPath(dir.resolve("b.gguf").toString()));
        assertThat(SourcePaths.absolute(new ModelSource.Classpath("lib/m.jar", List.of("x.onnx")), dir))
            .isEqualTo(new ModelSource.Classpath(dir.resolve("lib/m.jar").toString(), List.of("x.onnx")));
        ModelSource.Classpath bundle = new ModelSource.Classpath("com.example.models", List.of("x.onnx"));
        assertThat(SourcePaths.absolute(bundle, dir)).isSameAs(bundle);

        ModelRoots roots = new ModelRoots(List.of(root));
        assertThat(SourcePaths.confined(new ModelSource.Classpath("m.jar", List.of("x.onnx")), roots))
            .isEqualTo(new ModelSource.Classpath(root.resolve("m.jar").toString(), List.of("x.onnx")));
        ModelException e = catchThrowableOfType(ModelException.class,
            () -> SourcePaths.confined(new ModelSource.Classpath("/opt/other.jar", List.of("x.onnx")), roots));
        assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_ALLOWED);
        assertThat(e.field()).isEqualTo("source.jar");
    }
}
