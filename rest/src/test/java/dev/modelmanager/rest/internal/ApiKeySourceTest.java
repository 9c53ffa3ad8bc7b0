package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API key comes from a file, a variable or (discouraged) the configuration, and never shows. */
class ApiKeySourceTest {
    @TempDir
    Path dir;

    @Test
    void aFileWinsOverAVariableWhichWinsOverTheInlineKey() throws Exception {
        Path file = dir.resolve("rest.key");
        Files.writeString(file, "from-the-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("MY_KEY", "from-the-variable", "MODELMANAGER_API_KEY", "fallback");

        ApiKeySource.Resolved fromFile = ApiKeySource.resolve("inline", file.toString(), "MY_KEY", env,
            "MODELMANAGER_API_KEY");
        assertThat(fromFile.key()).isEqualTo("from-the-file");
        assertThat(fromFile.origin()).isEqualTo("file " + file);
        assertThat(fromFile.toString()).doesNotContain("from-the-file");

        assertThat(ApiKeySource.resolve("inline", "", "MY_KEY", env, "MODELMANAGER_API_KEY").key())
            .isEqualTo("from-the-variable");
        assertThat(ApiKeySource.resolve("inline", "", "", env, "MODELMANAGER_API_KEY").key()).isEqualTo("inline");
        assertThat(ApiKeySource.resolve("", "", "", env, "MODELMANAGER_API_KEY").key()).isEqualTo("fallback");
        assertThat(ApiKeySource.resolve("", "", "", Map.of(), "MODELMANAGER_API_KEY").key()).isNull();
    }

    @Test
    void aNamedFileOrVariableThatCannotBeReadIsAProblemNotAnOpenApi() throws Exception {
        Map<String, String> env = Map.of("MODELMANAGER_API_KEY", "fallback");
        ApiKeySource.Resolved missing = ApiKeySource.resolve("", dir.resolve("nope").toString(), "", env,
            "MODELMANAGER_API_KEY");
        assertThat(missing.key()).isNull();
        assertThat(missing.problem()).contains("cannot be read");

        Path empty = Files.writeString(dir.resolve("empty.key"), "  \n");
        assertThat(ApiKeySource.resolve("", empty.toString(), "", env, null).problem()).contains("empty");

        ApiKeySource.Resolved unset = ApiKeySource.resolve("", "", "NOT_SET_ANYWHERE", env, "MODELMANAGER_API_KEY");
        assertThat(unset.key()).isNull();
        assertThat(unset.problem()).contains("not set");
        assertThat(unset.origin()).isEqualTo("environment variable NOT_SET_ANYWHERE");
    }
}
