package dev.modelmanager.internal.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a secret (an API key, a token) comes from, so that Config Admin holds a reference and never the secret itself:
 * a file holding it, readable by its owner only ({@code api.key.file}), an environment variable
 * ({@code api.key.env}), or, discouraged, the value inline ({@code api.key}); the property names are those of the
 * {@link SecretKeys} given. An inline value is moved out of Config Admin by {@link SecretFolder#moveInline}.
 */
public final class SecretSource {
    private static final Logger LOG = LoggerFactory.getLogger(SecretSource.class);

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretSource() {
    }

    /**
     * Resolves a secret: the file first, then the variable, then the inline value, then {@code fallbackEnv} (only when
     * nothing is configured). A file or variable that is named but cannot be read is a problem, never "no secret".
     *
     * @param keys        the property names, for the answer and the logs
     * @param inline      the value of {@code keys.inline()}, or {@code null}
     * @param file        the value of {@code keys.file()}, or {@code null}
     * @param env         the value of {@code keys.env()}, or {@code null}
     * @param environment the process environment
     * @param fallbackEnv the variable read when none of the three is set (e.g. {@code MODELMANAGER_API_KEY}), or
     *                    {@code null} for none
     */
    public static Secret resolve(SecretKeys keys, String inline, String file, String env,
                                 Map<String, String> environment, String fallbackEnv) {
        if (present(file)) {
            Path path = Path.of(file.strip());
            String origin = "file " + path;
            try {
                String value = Files.readString(path, StandardCharsets.UTF_8).strip();
                warnIfShared(keys, path);
                return value.isEmpty() ? new Secret(null, origin, keys.file(), "the file is empty")
                    : new Secret(value, origin, keys.file(), null);
            } catch (IOException | RuntimeException e) {
                return new Secret(null, origin, keys.file(), "cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (present(env)) {
            String origin = "environment variable " + env.strip();
            String value = environment.get(env.strip());
            return present(value) ? new Secret(value.strip(), origin, keys.env(), null)
                : new Secret(null, origin, keys.env(), "it is not set");
        }
        if (present(inline)) {
            return new Secret(inline.strip(), "inline", keys.inline(), null);
        }
        if (fallbackEnv != null && present(environment.get(fallbackEnv))) {
            return new Secret(environment.get(fallbackEnv).strip(), "environment variable " + fallbackEnv, null, null);
        }
        return Secret.NONE;
    }

    private static void warnIfShared(SecretKeys keys, Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            p.removeAll(OWNER_ONLY);
            p.remove(PosixFilePermission.OWNER_EXECUTE);
            if (!p.isEmpty()) {
                LOG.warn("The file {} ({}) can be read by others ({}); make it owner-only (chmod 600)", file,
                    keys.file(), PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // nothing to check
        }
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
