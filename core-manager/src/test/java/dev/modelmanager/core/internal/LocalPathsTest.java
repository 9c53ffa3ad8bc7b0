package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Local paths through the manager: kept absolute from registration on, so that a restart from another folder finds
 * the same file; confined callers (REST) limited to the model roots, with one answer for a path outside whether it
 * exists or not.
 */
class LocalPathsTest {
    private final Path dir = Fixture.tempDir("paths");
    private final Path roots = dir.resolve("models");

    private static ModelRequirement.Builder story(String path) {
        return ModelRequirement.builder(ModelType.TEXT_GENERATION, "story").path(path);
    }

    @Test
    void aRelativePathIsStoredAbsoluteAndComesBackSoAfterARestart() throws Exception {
        Path cwd = Path.of(System.getProperty("user.dir"));
        Path file = Files.createTempFile(cwd.resolve("target"), "relative-", ".gguf");
        String relative = cwd.relativize(file).toString();
        ManagerSettings settings = Fixture.SETTINGS.withStateFile(dir.resolve("state.json"));
        try {
            try (Fixture before = new Fixture(settings, new TestModelProvider())) {
                before.manager.register("rel", story(relative).build(), "shell");
                assertThat(before.manager.info("rel").source()).isEqualTo("path:" + file);
            }
            String state = Files.readString(dir.resolve("state.json"));
            assertThat(state).contains("\"" + file + "\"").doesNotContain("\"" + relative + "\"");
            try (Fixture after = new Fixture(settings, new TestModelProvider())) {
                assertThat(after.manager.info("rel").source()).isEqualTo("path:" + file);
                assertThat(after.manager.info("rel").requesters()).containsExactly("shell");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aDeclaredRelativePathIsTakenFromTheInstallationFolder() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve("models"));
        Path file = Files.writeString(home.resolve("models/declared.gguf"), "x");
        String previous = System.getProperty("modelmanager.home");
        System.setProperty("modelmanager.home", home.toString());
        try (Fixture f = new Fixture()) {
            f.manager.registerDeclared("declared", story("models/declared.gguf").build(), "config:declared");
            assertThat(f.manager.info("declared").source()).isEqualTo("path:" + file);
        } finally {
            if (previous == null) {
                System.clearProperty("modelmanager.home");
            } else {
                System.setProperty("modelmanager.home", previous);
            }
        }
    }

    @Test
    void aConfinedCallerGetsOneAnswerForEveryPathOutsideTheRoots() throws Exception {
        Files.createDirectories(roots);
        Path secret = Files.writeString(dir.resolve("secret.gguf"), "root:$6$hash:19000:0:99999:7:::");
        try (Fixture f = new Fixture(Fixture.SETTINGS.withModelRoots(List.of(roots)), new TestModelProvider())) {
            String answer = null;
            for (String outside : List.of(secret.toString(), dir.resolve("absent.gguf").toString(), "/etc/shadow",
                "/root", "../secret.gguf", "../absent.gguf")) {
                ModelException e = catchThrowableOfType(ModelException.class,
                    () -> f.manager.registerConfined("x", story(outside).build(), "rest"));
                assertThat(e).as(outside).isNotNull();
                assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_NOT_ALLOWED);
                String withoutPath = e.getMessage().replace(outside, "<path>");
                if (answer == null) {
                    answer = withoutPath;
                }
                assertThat(withoutPath).as("the same answer for " + outside).isEqualTo(answer)
                    .doesNotContain("root:").doesNotContain(System.getProperty("user.dir"));
            }
            assertThat(f.manager.list()).isEmpty();
            // The shell (the operator) may name any file.
            f.manager.register("x", story(secret.toString()).build(), "shell");
            assertThat(f.manager.info("x").source()).isEqualTo("path:" + secret);
        }
    }

    @Test
    void aConfinedCallersRelativePathIsLookedUpInTheRoots() throws Exception {
        Path file = Files.writeString(Files.createDirectories(roots.resolve("stories")).resolve("s.gguf"), "x");
        try (Fixture f = new Fixture(Fixture.SETTINGS.withModelRoots(List.of(roots)), new TestModelProvider())) {
            f.manager.registerConfined("s", story("stories/s.gguf").build(), "rest");
            assertThat(f.manager.info("s").source()).isEqualTo("path:" + file);
            ModelException missing = catchThrowableOfType(ModelException.class,
                () -> f.manager.registerConfined("m", story("stories/none.gguf").build(), "rest"));
            assertThat(missing.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(missing.getMessage()).contains(roots.resolve("stories/none.gguf").toString())
                .doesNotContain(System.getProperty("user.dir"));
        }
    }
    @Test
    void aRestoredRestRegistrationMeetsTodaysModelRootsAgain() throws Exception {
        Path file = Files.writeString(Files.createDirectories(roots.resolve("stories")).resolve("r.gguf"), "x");
        Path other = Files.createDirectories(dir.resolve("elsewhere"));
        ManagerSettings saving = Fixture.SETTINGS.withStateFile(dir.resolve("state.json"));
        try (Fixture before = new Fixture(saving.withModelRoots(List.of(roots)), new TestModelProvider())) {
            before.manager.registerConfined("r", story("stories/r.gguf").build(), "shell");
            before.manager.register("op", story(file.toString()).build(), "durable:operator");
        }
        assertThat(Files.readString(dir.resolve("state.json"))).containsPattern("\"confined\"\\s*:\\s*\\[\\s*\"shell\"\\s*]");
        // The roots still hold the file: both come back.
        try (Fixture same = new Fixture(saving.withModelRoots(List.of(roots)), new TestModelProvider())) {
            assertThat(same.manager.info("r").source()).isEqualTo("path:" + file);
            assertThat(same.manager.info("op").source()).isEqualTo("path:" + file);
        }
        // The operator narrowed the roots: the REST caller's registration (a confined caller, even under the requester
        // id "shell") is not restored; the operator's own still is.
        try (Fixture narrowed = new Fixture(saving.withModelRoots(List.of(other)), new TestModelProvider())) {
            assertThat(narrowed.manager.list()).extracting(dev.modelmanager.api.ModelInfo::modelId)
                .containsExactly("op");
        }
    }
}
