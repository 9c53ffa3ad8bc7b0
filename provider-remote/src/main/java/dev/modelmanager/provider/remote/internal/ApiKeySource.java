package dev.modelmanager.provider.remote.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Map;
import java.util.Set;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the API key comes from, so that Config Admin holds a reference and never the key itself: {@code api.key.file}
 * (a file holding the key, readable by its owner only), {@code api.key.env} (the name of an environment variable),
 * or, discouraged, {@code api.key} inline.
 * <p>
 * Config Admin persists every configuration (Felix writes them world-readable under {@code felix.cm.dir}) and Gogo
 * prints them ({@code cm:getConfiguration}, {@code scr:info}), so an inline key is <em>moved</em>: written to a
 * file of its own, owner-only, in a private folder, and the configuration updated to name that file instead
 * ({@link #moveInline}). A key from {@code etc/} is therefore in Config Admin only between File Install's update and
 * the move, at each start. The copy here is the same code as the REST bundle's: bundles share no implementation.
 */
final class ApiKeySource {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeySource.class);

    static final String INLINE = "api.key";
    static final String FILE = "api.key.file";
    static final String ENV = "api.key.env";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private ApiKeySource() {
    }

    /**
     * The key, where it came from (for logs: never the key), and what keeps it from being read.
     *
     * @param key     the key, or {@code null}
     * @param origin  {@code file <path>}, {@code environment variable <name>}, {@code inline}, or {@code none}
     * @param problem why a configured key could not be read (then {@code key} is {@code null}), or {@code null}
     */
    record Resolved(String key, String origin, String problem) {
        @Override
        public String toString() {
            return "key " + (key == null ? "none" : "set") + " (" + origin + (problem == null ? "" : ": " + problem) + ")";
        }
    }

    /**
     * Resolves the key: the file first, then the variable, then the inline value, then {@code fallbackEnv} (only
     * when nothing is configured). A file or variable that is named but cannot be read is a problem, never "no key".
     */
    static Resolved resolve(String inline, String file, String env, Map<String, String> environment,
                            String fallbackEnv) {
        if (present(file)) {
            Path path = Path.of(file.strip());
            try {
                String key = Files.readString(path, StandardCharsets.UTF_8).strip();
                warnIfShared(path);
                return key.isEmpty() ? new Resolved(null, "file " + path, "the file is empty")
                    : new Resolved(key, "file " + path, null);
            } catch (IOException | RuntimeException e) {
                return new Resolved(null, "file " + path, "cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (present(env)) {
            String key = environment.get(env.strip());
            return present(key) ? new Resolved(key.strip(), "environment variable " + env.strip(), null)
                : new Resolved(null, "environment variable " + env.strip(), "it is not set");
        }
        if (present(inline)) {
            return new Resolved(inline.strip(), "inline", null);
        }
        if (fallbackEnv != null && present(environment.get(fallbackEnv))) {
            return new Resolved(environment.get(fallbackEnv).strip(), "environment variable " + fallbackEnv, null);
        }
        return new Resolved(null, "none", null);
    }

    /**
     * Moves an inline key out of Config Admin: writes it to {@code <folder>/<pid>.api.key} (the folder and the file
     * readable by their owner only) and updates the configuration to name that file in {@code api.key.file} instead.
     * A configuration that already names a file keeps it (the inline value is dropped, as the file wins anyway).
     *
     * @return the file the configuration names now, or {@code null} when there was nothing to move or it failed
     */
    static Path moveInline(ConfigurationAdmin admin, String pid, Path folder) {
        try {
            Configuration[] found = admin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "="
                + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return null;
            }
            Configuration configuration = found[0];
            Dictionary<String, Object> properties = configuration.getProperties();
            Object inline = properties.get(INLINE);
            if (inline == null || String.valueOf(inline).isBlank()) {
                return null;
            }
            Object named = properties.get(FILE);
            Path target;
            if (named != null && !String.valueOf(named).isBlank()) {
                target = Path.of(String.valueOf(named).strip());
                LOG.warn("{}: api.key is given inline beside api.key.file; the file wins and the inline key is removed "
                    + "from the configuration", pid);
            } else {
                target = folder.resolve(pid + ".api.key");
                writePrivately(target, String.valueOf(inline).strip());
                properties.put(FILE, target.toString());
            }
            properties.remove(INLINE);
            configuration.update(properties);
            LOG.warn("{}: api.key was given inline{}; it is kept in {} (owner-only) and the configuration names that "
                + "file instead. Put the key in a file of your own (api.key.file) or an environment variable "
                + "(api.key.env) and remove it from the configuration file.", pid, origin(properties), target);
            return target;
        } catch (IOException | org.osgi.framework.InvalidSyntaxException | RuntimeException e) {
            LOG.error("{}: api.key is given inline and could not be moved out of the configuration ({}); Config "
                + "Admin keeps it", pid, e.getClass().getSimpleName());
            return null;
        }
    }

    /** Deletes a key file this class wrote that the configuration no longer names. */
    static void forgetMoved(String pid, Path folder, String fileNamed) {
        Path moved = folder.resolve(pid + ".api.key");
        if (fileNamed == null || !Path.of(fileNamed.strip()).equals(moved)) {
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

    private static void writePrivately(Path target, String key) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        try {
            Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
        } catch (UnsupportedOperationException notPosix) {
            // the folder's own access rules apply
        }
        // Files.createTempFile is owner-only on POSIX from the start: the key is never readable by others.
        Path temp = Files.createTempFile(folder, ".api-key", ".tmp");
        try {
            Files.writeString(temp, key + "\n", StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            p.removeAll(OWNER_ONLY);
            p.remove(PosixFilePermission.OWNER_EXECUTE);
            if (!p.isEmpty()) {
                LOG.warn("The API key file {} can be read by others ({}); make it owner-only (chmod 600)", file,
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // nothing to check
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
