package dev.modelmanager.internal.secrets;

import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Keeps one component's inline secret out of Config Admin, whichever comes first, its configuration or Config Admin:
 * an inline value is moved into the {@link SecretFolder} once Config Admin is bound, and a file moved earlier that the
 * configuration no longer names is deleted, but only when the configuration came from Config Admin (the defaults a
 * component may start with before its configuration arrives name no file either). A component calls
 * {@link #configured} from its activation and modification, and {@link #bind} / {@link #unbind} from its optional,
 * dynamic Config Admin reference.
 */
public final class InlineSecretKeeper {
    private final SecretFolder folder;
    private final SecretKeys keys;
    private final String pid;
    private volatile ConfigurationAdmin admin;
    private volatile boolean pending;

    /**
     * @param folder where moved secrets go, or {@code null} when there is none (then nothing is moved or deleted)
     * @param keys   the secret's properties
     * @param pid    the configuration's PID
     */
    public InlineSecretKeeper(SecretFolder folder, SecretKeys keys, String pid) {
        this.folder = folder;
        this.keys = keys;
        this.pid = pid;
    }

    /**
     * The component's configuration of the moment.
     *
     * @param inline     the inline secret's value, or {@code null}
     * @param fileNamed  the file the configuration names, or {@code null}
     * @param properties the component's properties ({@code service.pid} present when Config Admin delivered them)
     */
    public void configured(String inline, String fileNamed, Map<String, ?> properties) {
        pending = SecretSource.present(inline);
        if (pending) {
            move();
        } else if (folder != null && properties != null && properties.get(Constants.SERVICE_PID) != null) {
            folder.forgetMoved(keys, pid, fileNamed);
        }
    }

    public void bind(ConfigurationAdmin value) {
        admin = value;
        move();
    }

    public void unbind(ConfigurationAdmin value) {
        if (admin == value) {
            admin = null;
        }
    }

    /** The configuration changes to name the file: the component is then configured again and reads it from there. */
    private void move() {
        ConfigurationAdmin a = admin;
        if (a != null && folder != null && pending) {
            pending = false;
            folder.moveInline(a, keys, pid);
        }
    }
}
