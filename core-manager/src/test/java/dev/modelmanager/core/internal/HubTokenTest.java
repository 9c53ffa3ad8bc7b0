package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.core.internal.shell.ModelCommands;
import dev.modelmanager.core.internal.source.FakeHub;
import dev.modelmanager.core.internal.source.HubClient;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The Hub token, like the REST key: from {@code hub.token.file}, {@code hub.token.env} or (discouraged)
 * {@code hub.token}, else {@code HF_TOKEN}; one named but unreadable is a problem the status and errors say, never
 * "no token" and never the token.
 */
class HubTokenTest {
    private static final String TOKEN = "hf_top_secret";
    private static final byte[] CONFIG = "{\"hidden_size\": 384}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final FakeHub hub;
    private Fixture fixture;

    HubTokenTest() throws Exception {
        hub = new FakeHub().gated("org/private", TOKEN).file("org/private", "config.json", CONFIG);
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        hub.close();
    }

    /** The configuration DS would give: the metatype defaults, and these values. */
    private static ManagerConfig config(Map<String, Object> values) {
        return (ManagerConfig) Proxy.newProxyInstance(ManagerConfig.class.getClassLoader(),
            new Class<?>[] {ManagerConfig.class}, (proxy, method, args) -> {
                if (method.getName().equals("annotationType")) {
                    return ManagerConfig.class;
                }
                Object v = values.get(method.getName());
                return v != null ? v : method.getDefaultValue();
            });
    }

    private Path tokenFile(String token) throws Exception {
        Path file = Files.writeString(dir.resolve("hf.token"), token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aFileWinsOverAVariableWhichWinsOverTheInlineTokenWhichWinsOverHfToken() throws Exception {
        Path file = tokenFile("hf_from_file");
        Map<String, String> env = Map.of("MY_HF", "hf_from_variable");
        assertThat(ManagerSettings.hub(config(Map.of("hub_token_file", file.toString(), "hub_token_env", "MY_HF",
            "hub_token", "hf_inline")), env).token()).isEqualTo("hf_from_file");
        assertThat(ManagerSettings.hub(config(Map.of("hub_token_env", "MY_HF", "hub_token", "hf_inline")), env)
            .token()).isEqualTo("hf_from_variable");
        assertThat(ManagerSettings.hub(config(Map.of("hub_token", "hf_inline")), env).token()).isEqualTo("hf_inline");

        String before = System.getProperty("HF_TOKEN");
        System.setProperty("HF_TOKEN", "hf_fallback");
        try {
            assertThat(ManagerSettings.hub(config(Map.of()), env).token()).as("nothing configured: HF_TOKEN")
                .isEqualTo("hf_fallback");
            HubSettings unreadable = ManagerSettings.hub(config(Map.of("hub_token_file",
                dir.resolve("missing").toString())), env);
            assertThat(unreadable.token()).as("HF_TOKEN does not stand in for a file that cannot be read").isNull();
            assertThat(unreadable.tokenProblem()).startsWith("file " + dir.resolve("missing") + ": cannot be read");
            HubSettings unset = ManagerSettings.hub(config(Map.of("hub_token_env", "NOT_SET_ANYWHERE")), env);
            assertThat(unset.token()).isNull();
            assertThat(unset.tokenProblem()).isEqualTo("environment variable NOT_SET_ANYWHERE: it is not set");
        } finally {
            if (before == null) {
                System.clearProperty("HF_TOKEN");
            } else {
                System.setProperty("HF_TOKEN", before);
            }
        }
    }

    /** The settings resolved from the configuration, pointed at the fake Hub with a cache of their own. */
    private HubSettings atTheFakeHub(HubSettings settings) {
        return new HubSettings(hub.endpoint(), settings.token(), Fixture.tempDir("hub"), false, false,
            Duration.ofSeconds(2), Duration.ofSeconds(5), settings.tokenProblem());
    }

    private ModelManagerImpl manager(HubSettings settings) {
        fixture = new Fixture(Fixture.SETTINGS.withHub(settings, Fixture.tempDir("work")), new TestModelProvider());
        return fixture.manager;
    }

    @Test
    void aTokenFromAFileOpensGatedRepositoriesAndIsShownNowhere() throws Exception {
        HubSettings settings = atTheFakeHub(ManagerSettings.hub(config(Map.of("hub_token_file",
            tokenFile(TOKEN).toString())), Map.of()));
        assertThat(Files.readAllBytes(new HubClient(settings).fetch("org/private", "main", "config.json")))
            .isEqualTo(CONFIG);
        ModelManagerImpl manager = manager(settings);
        assertThat(manager.status().settingsProblems()).isEmpty();
        assertThat(manager.status().toString()).doesNotContain(TOKEN);
        assertThat(new ModelCommands(manager).status()).doesNotContain(TOKEN).doesNotContain("problem:");
        HubSettings inline = ManagerSettings.hub(config(Map.of("hub_token", TOKEN)), Map.of());
        assertThat(inline.token()).isEqualTo(TOKEN);
        assertThat(Fixture.SETTINGS.withHub(inline, Path.of("w")).toString()).doesNotContain(TOKEN);
    }

    @Test
    void aTokenFileThatCannotBeReadIsReportedNotTakenForNoToken() {
        Path missing = dir.resolve("missing.token");
        HubSettings settings = atTheFakeHub(ManagerSettings.hub(config(Map.of("hub_token_file", missing.toString(),
            "hub_token", TOKEN)), Map.of()));
        ModelManagerImpl manager = manager(settings);

        assertThat(manager.status().settingsProblems()).singleElement().asString()
            .startsWith("the Hub token (file " + missing + ": cannot be read (NoSuchFileException))")
            .contains("Hub calls go without a token");
        assertThat(new ModelCommands(manager).status()).contains("problem: the Hub token (file " + missing);
        assertThatThrownBy(() -> new HubClient(settings).fetch("org/private", "main", "config.json"))
            .hasMessageContaining("the configured token cannot be read (file " + missing)
            .hasMessageNotContaining("no token is configured").hasMessageNotContaining(TOKEN);
        assertThat(manager.status().toString()).doesNotContain(TOKEN);
    }
}
