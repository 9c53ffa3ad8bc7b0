package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.internal.secrets.Secret;

/**
 * The REST API reads its key through the shared secret code with its own properties ({@code api.key*}) and its own
 * fallback variable; the resolution itself is tested in internal-common.
 */
class RestApiKeyTest {
    @TempDir
    Path dir;

    /** The configuration DS would give: the metatype defaults, and these values. */
    private static RestConfig config(Map<String, Object> values) {
        return (RestConfig) Proxy.newProxyInstance(RestConfig.class.getClassLoader(), new Class<?>[] {RestConfig.class},
            (proxy, method, args) -> {
                if (method.getName().equals("annotationType")) {
                    return RestConfig.class;
                }
                Object v = values.get(method.getName());
                return v != null ? v : method.getDefaultValue();
            });
    }

    @Test
    void theKeyComesFromTheApiKeyPropertiesThenModelmanagerApiKey() throws Exception {
        Path file = Files.writeString(dir.resolve("rest.key"), "from-the-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("MY_KEY", "from-the-variable", "MODELMANAGER_API_KEY", "fallback");

        assertThat(RestApi.apiKey(config(Map.of("api_key_file", file.toString(), "api_key_env", "MY_KEY",
            "api_key", "inline")), env).value()).isEqualTo("from-the-file");
        assertThat(RestApi.apiKey(config(Map.of("api_key_env", "MY_KEY", "api_key", "inline")), env).value())
            .isEqualTo("from-the-variable");
        assertThat(RestApi.apiKey(config(Map.of("api_key", "inline")), env).value()).isEqualTo("inline");
        assertThat(RestApi.apiKey(config(Map.of()), env).value()).isEqualTo("fallback");
        assertThat(RestApi.apiKey(config(Map.of()), Map.of()).value()).isNull();
    }

    @Test
    void aNamedFileThatCannotBeReadIsAProblemAndTheSettingsNeverShowTheKey() {
        Secret missing = RestApi.apiKey(config(Map.of("api_key_file", dir.resolve("nope").toString())),
            Map.of("MODELMANAGER_API_KEY", "fallback"));
        assertThat(missing.value()).isNull();
        assertThat(missing.property()).isEqualTo("api.key.file");
        assertThat(missing.problem()).contains("cannot be read");

        RestSettings settings = new RestSettings("secret-rest-key", 1024, "rest");
        assertThat(settings.toString()).doesNotContain("secret-rest-key");
    }
}
