package dev.modelmanager.internal.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** An inline secret leaves Config Admin for an owner-only file that the configuration names instead. */
class SecretFolderTest {
    private static final String PID = "dev.modelmanager.core";

    @TempDir
    Path dir;

    /** Config Admin holding one configuration, {@link #PID}, with these properties; updates replace them. */
    private static ConfigurationAdmin admin(AtomicReference<Dictionary<String, Object>> properties) {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(Configuration.class.getClassLoader(),
            new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getProperties" -> copy(properties.get());
                case "getPid" -> PID;
                case "update" -> {
                    @SuppressWarnings("unchecked")
                    Dictionary<String, Object> updated = (Dictionary<String, Object>) args[0];
                    properties.set(copy(updated));
                    yield null;
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });
        return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(),
            new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                if (method.getName().equals("listConfigurations")) {
                    return String.valueOf(args[0]).contains("=" + PID + ")") ? new Configuration[] {configuration}
                        : null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> source) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (var keys = source.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            copy.put(key, source.get(key));
        }
        return copy;
    }

    @Test
    void anInlineSecretMovesToAnOwnerOnlyFileTheConfigurationNames() throws Exception {
        Hashtable<String, Object> initial = new Hashtable<>();
        initial.put("hub.token", " hf_secret_value ");
        initial.put("hub.endpoint", "https://huggingface.co");
        AtomicReference<Dictionary<String, Object>> properties = new AtomicReference<>(initial);
        SecretFolder folder = new SecretFolder(dir.resolve("secrets"));

        Path moved = folder.moveInline(admin(properties), SecretKeys.HUB_TOKEN, PID);

        assertThat(moved).isEqualTo(dir.resolve("secrets/dev.modelmanager.core.hub.token"));
        assertThat(Files.readString(moved)).isEqualTo("hf_secret_value\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(moved))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(moved.getParent())))
            .isEqualTo("rwx------");
        assertThat(properties.get().get("hub.token")).isNull();
        assertThat(properties.get().get("hub.token.file")).isEqualTo(moved.toString());
        assertThat(properties.get().get("hub.endpoint")).isEqualTo("https://huggingface.co");
        try (var left = Files.list(moved.getParent())) {
            assertThat(left).as("no temporary file stays").containsExactly(moved);
        }

        // Nothing inline any more: nothing to move, and the file named stays.
        assertThat(folder.moveInline(admin(properties), SecretKeys.HUB_TOKEN, PID)).isNull();
        folder.forgetMoved(SecretKeys.HUB_TOKEN, PID, moved.toString());
        assertThat(moved).exists();
        // The configuration names another file (or none): the moved one goes.
        folder.forgetMoved(SecretKeys.HUB_TOKEN, PID, "/etc/modelmanager/hub.token");
        assertThat(moved).doesNotExist();
    }

    @Test
    void aFileAlreadyNamedWinsAndTheInlineValueIsDropped() throws Exception {
        Hashtable<String, Object> initial = new Hashtable<>();
        initial.put("api.key", "inline-value");
        initial.put("api.key.file", "/etc/modelmanager/rest.key");
        AtomicReference<Dictionary<String, Object>> properties = new AtomicReference<>(initial);
        SecretFolder folder = new SecretFolder(dir.resolve("secrets"));

        assertThat(folder.moveInline(admin(properties), SecretKeys.API_KEY, PID))
            .isEqualTo(Path.of("/etc/modelmanager/rest.key"));
        assertThat(properties.get().get("api.key")).isNull();
        assertThat(properties.get().get("api.key.file")).isEqualTo("/etc/modelmanager/rest.key");
        assertThat(dir.resolve("secrets")).doesNotExist();
    }

    @Test
    void anUnknownConfigurationMovesNothing() {
        AtomicReference<Dictionary<String, Object>> properties = new AtomicReference<>(new Hashtable<>());
        assertThat(new SecretFolder(dir).moveInline(admin(properties), SecretKeys.API_KEY, "dev.other")).isNull();
    }
}
