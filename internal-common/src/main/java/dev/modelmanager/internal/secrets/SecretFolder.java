package dev.modelmanager.internal.secrets;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.internal.files.DiskSync;

/**
 * The private folder inline secrets are moved to, readable by its owner only.
 * <p>
 * Config Admin persists every configuration (Felix writes them world-readable under {@code felix.cm.dir}) and Gogo
 * prints them ({@code cm:getConfiguration}, {@code scr:info}), so an inline secret is <em>moved</em>: written to a
 * file of its own, owner-only, in this folder, and the configuration updated to name that file instead
 * ({@link #moveInline}). A secret from {@code etc/} is therefore in Config Admin only between File Install's update
 * and the move, at each start.
 *
 * @param path the folder
 */
public record SecretFolder(Path path) {
    private static final Logger LOG = LoggerFactory.getLogger(SecretFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    public SecretFolder {
        if (path == null) {
            throw new IllegalArgumentException("a secret folder needs a path");
        }
    }

    /**
     * {@code <modelmanager.home>/data/secrets} in the distribution, else the bundle's own data area; {@code null} when
     * there is neither (no context, or a framework without file system support).
     */
    public static SecretFolder of(BundleContext context) {
        if (context == null) {
            return null;
        }
        String home = context.getProperty("modelmanager.home");
        if (home != null && !home.isBlank()) {
            return new SecretFolder(Path.of(home, "data", "secrets"));
        }
        File data = context.getDataFile("secrets");
        return data == null ? null : new SecretFolder(data.toPath());
    }

    /** The file an inline secret of configuration {@code pid} is moved to. */
    public Path movedFile(SecretKeys keys, String pid) {
        return path.resolve(keys.movedFileName(pid));
    }

    /**
     * Moves an inline secret out of Config Admin: writes it to {@code <folder>/<pid>.<inline>} (the folder and the file
     * readable by their owner only) and updates the configuration to name that file in {@code keys.file()} instead. A
     * configuration that already names a file keeps it (the inline value is dropped, as the file wins anyway).
     *
     * @return the file the configuration names now, or {@code null} when there was nothing to move or it failed
     */
    public Path moveInline(ConfigurationAdmin admin, SecretKeys keys, String pid) {
        try {
            Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return null;
            }
            Configuration configuration = found[0];
            Dictionary<String, Object> properties = configuration.getProperties();
            Object inline = properties.get(keys.inline());
            if (inline == null || String.valueOf(inline).isBlank()) {
                return null;
            }
            Object named = properties.get(keys.file());
            Path target;
            if (named != null && !String.valueOf(named).isBlank()) {
                target = Path.of(String.valueOf(named).strip());
                LOG.warn("{}: {} is given inline beside {}; the file wins and the inline value is removed from the "
                    + "configuration", pid, keys.inline(), keys.file());
            } else {
                target = movedFile(keys, pid);
                writePrivately(target, String.valueOf(inline).strip(), keys);
                properties.put(keys.file(), target.toString());
            }
            properties.remove(keys.inline());
            configuration.update(properties);
            if (target.equals(movedFile(keys, pid))) {
                LOG.warn("{}: {} was given inline{}; it is kept in {} (owner-only) and the configuration names that "
                    + "file instead. Put it in a file of your own ({}) or an environment variable ({}) and remove it "
                    + "from the configuration file.", pid, keys.inline(), origin(properties), target, keys.file(),
                    keys.env());
            }
            return target;
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.error("{}: {} is given inline and could not be moved out of the configuration ({}); Config Admin "
                + "keeps it", pid, keys.inline(), e.getClass().getSimpleName());
            return null;
        }
    }

    /** Deletes the file {@link #moveInline} wrote for {@code pid} when the configuration no longer names it. */
    public void forgetMoved(SecretKeys keys, String pid, String fileNamed) {
        Path moved = movedFile(keys, pid);
        if (fileNamed == null || fileNamed.isBlank() || !Path.of(fileNamed.strip()).equals(moved)) {
            try {
                if (Files.deleteIfExists(moved)) {
                    LOG.info("{}: deleted {}, which the configuration no longer names", pid, moved);
                }
            } catch (IOException e) {
                LOG.warn("{}: could not delete {} ({})", pid, moved, e.getClass().getSimpleName());
            }
        }
    }

    private static String origin(Dictionary<String, Object> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        return file == null ? "" : " in " + file;
    }

    private static void writePrivately(Path target, String secret, SecretKeys keys) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        try {
            Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
        } catch (UnsupportedOperationException notPosix) {
            // the folder's own access rules apply
        }
        // Files.createTempFile is owner-only on POSIX from the start: the secret is never readable by others.
        Path temp = Files.createTempFile(folder, "." + keys.inline().replace('.', '-'), ".tmp");
        try {
            // On the disk before the configuration forgets the inline value: after a power loss the file must not be
            // the empty one while Config Admin no longer holds the secret.
            DiskSync.write(temp, (secret + "\n").getBytes(StandardCharsets.UTF_8));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            DiskSync.forceFolder(folder);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
