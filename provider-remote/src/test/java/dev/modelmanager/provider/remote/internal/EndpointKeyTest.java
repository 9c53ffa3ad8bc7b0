package dev.modelmanager.provider.remote.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ModelException;

/** An endpoint's key comes from a file, a variable or (discouraged) the configuration, and never shows. */
class EndpointKeyTest {
    @TempDir
    Path dir;

    /** The configuration DS would give: the metatype defaults, and these values. */
    private static EndpointConfig config(Map<String, Object> values) {
        return (EndpointConfig) Proxy.newProxyInstance(EndpointConfig.class.getClassLoader(),
            new Class<?>[] {EndpointConfig.class}, (proxy, method, args) -> {
                if (method.getName().equals("annotationType")) {
                    return EndpointConfig.class;
                }
                Object v = values.get(method.getName());
                return v != null ? v : method.getDefaultValue();
            });
    }

    @Test
    void theKeyIsReadFromAFileOrAVariableAndNeverShown() throws Exception {
        Path file = dir.resolve("openai.key");
        Files.writeString(file, "sk-from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        EndpointSettings fromFile = EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "api_key_file", file.toString(), "api_key_env", "OPENAI_API_KEY", "api_key", "sk-inline")), "openai",
            Map.of("OPENAI_API_KEY", "sk-from-env"));
        assertThat(fromFile.apiKey()).isEqualTo("sk-from-file");
        assertThat(fromFile.toString()).doesNotContain("sk-");

        assertThat(EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1", "api_key_env",
            "OPENAI_API_KEY", "api_key", "sk-inline")), "openai", Map.of("OPENAI_API_KEY", "sk-from-env")).apiKey())
            .isEqualTo("sk-from-env");
        assertThat(EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1", "api_key", "sk-inline")),
            "openai", Map.of()).apiKey()).isEqualTo("sk-inline");
    }

    @Test
    void aNamedFileOrVariableThatCannotBeReadRefusesTheEndpoint() {
        assertThatThrownBy(() -> EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "api_key_file", dir.resolve("missing").toString())), "openai", Map.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("api.key.file"))
            .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "api_key_env", "NOT_SET_ANYWHERE")), "openai", Map.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("api.key.env"))
            .hasMessageContaining("NOT_SET_ANYWHERE");
    }

    @Test
    void extraHeaderValuesAreSentButNeverShown() {
        EndpointSettings settings = EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "headers", new String[] {"Authorization: Bearer sk-in-a-header", "X-Tenant: acme-secret-tenant"})),
            "gateway", Map.of());
        assertThat(settings.headers()).containsEntry("Authorization", "Bearer sk-in-a-header")
            .containsEntry("X-Tenant", "acme-secret-tenant");
        assertThat(settings.toString()).contains("Authorization: ***", "X-Tenant: ***")
            .doesNotContain("sk-in-a-header", "acme-secret-tenant");

        // A line without a name is refused without repeating it: it may be the credential alone.
        assertThatThrownBy(() -> EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "headers", new String[] {"Bearer sk-no-name"})), "gateway", Map.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("headers"))
            .hasMessageContaining("entry 1 of 1").hasMessageNotContaining("sk-no-name");
    }
    @Test
    void headerValuesComeFromFilesOrVariablesAndNeverEnterTheConfiguration() throws Exception {
        Path token = dir.resolve("gateway.token");
        Files.writeString(token, "Bearer sk-header-from-file\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        EndpointSettings settings = EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "headers", new String[] {"Authorization: placeholder", "X-Team: search"},
            "header_files", new String[] {"Authorization: " + token},
            "header_env", new String[] {"X-Tenant: GATEWAY_TENANT"})),
            "gateway", Map.of("GATEWAY_TENANT", "acme-tenant-from-env"));
        assertThat(settings.headers()).containsEntry("Authorization", "Bearer sk-header-from-file")
            .as("the file wins over the inline line of the same name").containsEntry("X-Tenant", "acme-tenant-from-env")
            .containsEntry("X-Team", "search");
        assertThat(settings.toString()).doesNotContain("sk-header-from-file", "acme-tenant-from-env");

        // Named but unreadable: the endpoint is refused naming the setting and the header, never falling back.
        assertThatThrownBy(() -> EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "header_files", new String[] {"Authorization: " + dir.resolve("absent.token")})), "gateway", Map.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("header.files"))
            .hasMessageContaining("header Authorization").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> EndpointSettings.from(config(Map.of("base_url", "http://127.0.0.1:1",
            "header_env", new String[] {"X-Tenant: NOT_SET_ANYWHERE"})), "gateway", Map.of()))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("header.env"))
            .hasMessageContaining("header X-Tenant").hasMessageContaining("not set");
    }
}
