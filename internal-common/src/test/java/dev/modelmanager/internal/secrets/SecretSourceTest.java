package dev.modelmanager.internal.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret comes from a file, a variable or (discouraged) the configuration, and never shows. */
class SecretSourceTest {
    private static final SecretKeys KEYS = SecretKeys.API_KEY;

    @TempDir
    Path dir;

    @Test
    void aFileWinsOverAVariableWhichWinsOverTheInlineValue() throws Exception {
        Path file = dir.resolve("rest.key");
        Files.writeString(file, "from-the-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("MY_KEY", "from-the-variable", "MODELMANAGER_API_KEY", "fallback");

        Secret fromFile = SecretSource.resolve(KEYS, "inline", file.toString(), "MY_KEY", env, "MODELMANAGER_API_KEY");
        assertThat(fromFile.value()).isEqualTo("from-the-file");
        assertThat(fromFile.origin()).isEqualTo("file " + file);
        assertThat(fromFile.property()).isEqualTo("api.key.file");
        assertThat(fromFile.toString()).doesNotContain("from-the-file");

        Secret fromVariable = SecretSource.resolve(KEYS, "inline", "", "MY_KEY", env, "MODELMANAGER_API_KEY");
        assertThat(fromVariable.value()).isEqualTo("from-the-variable");
        assertThat(fromVariable.property()).isEqualTo("api.key.env");
        assertThat(fromVariable.toString()).doesNotContain("from-the-variable");
        Secret inline = SecretSource.resolve(KEYS, "inline", "", "", env, "MODELMANAGER_API_KEY");
        assertThat(inline.value()).isEqualTo("inline");
        assertThat(inline.property()).isEqualTo("api.key");
        assertThat(SecretSource.resolve(KEYS, "", "", "", env, "MODELMANAGER_API_KEY").value()).isEqualTo("fallback");
        assertThat(SecretSource.resolve(KEYS, "", "", "", Map.of(), "MODELMANAGER_API_KEY")).isEqualTo(Secret.NONE);
        assertThat(SecretSource.resolve(KEYS, null, null, null, env, null)).isEqualTo(Secret.NONE);
    }

    @Test
    void aNamedFileOrVariableThatCannotBeReadIsAProblemNotNoSecret() throws Exception {
        Map<String, String> env = Map.of("HF_TOKEN", "fallback");
        Secret missing = SecretSource.resolve(SecretKeys.HUB_TOKEN, "", dir.resolve("nope").toString(), "", env,
            "HF_TOKEN");
        assertThat(missing.value()).isNull();
        assertThat(missing.unreadable()).isTrue();
        assertThat(missing.problem()).contains("cannot be read");
        assertThat(missing.property()).isEqualTo("hub.token.file");
        assertThat(missing.describeProblem()).startsWith("file " + dir.resolve("nope") + ": cannot be read");

        Path empty = Files.writeString(dir.resolve("empty.key"), "  \n");
        assertThat(SecretSource.resolve(KEYS, "", empty.toString(), "", env, null).problem()).contains("empty");

        Secret unset = SecretSource.resolve(SecretKeys.HUB_TOKEN, "inline", "", "NOT_SET_ANYWHERE", env, "HF_TOKEN");
        assertThat(unset.value()).isNull();
        assertThat(unset.problem()).contains("not set");
        assertThat(unset.origin()).isEqualTo("environment variable NOT_SET_ANYWHERE");
        assertThat(unset.property()).isEqualTo("hub.token.env");
    }

    @Test
    void theMovedFileIsNamedAfterTheConfigurationAndTheInlineProperty() {
        assertThat(SecretKeys.API_KEY.movedFileName("dev.modelmanager.rest")).isEqualTo("dev.modelmanager.rest.api.key");
        assertThat(SecretKeys.HUB_TOKEN.movedFileName("dev.modelmanager.core"))
            .isEqualTo("dev.modelmanager.core.hub.token");
    }
}
