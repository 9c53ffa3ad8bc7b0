package dev.modelmanager.internal.natives;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of its own for each revision of a bundle that extracts JNI libraries. The JVM lets one library file be
 * loaded by one class loader only, so each revision of the bundle (after {@code update}, or a new jar in
 * {@code deploy/}) needs its own copy: {@code <parent>/<prefix><bundle id>-<last modified>}. Folders of earlier
 * revisions are removed when a revision asks for its own (their libraries stay mapped in the process for as long as
 * the old class loader lives, which deleting the files does not disturb). Which files go there, and who loads them,
 * is the provider's business.
 */
public final class RevisionFolder {
    private static final Logger LOG = LoggerFactory.getLogger(RevisionFolder.class);

    private RevisionFolder() {
    }

    /**
     * The name of the folder of the bundle revision that loaded {@code type}: {@code <prefix><bundle id>-<last
     * modified>}; empty outside OSGi (no framework on the class path, or the class not from a bundle).
     */
    public static Optional<String> name(Class<?> type, String prefix) {
        Bundle bundle;
        try {
            bundle = FrameworkUtil.getBundle(type);
        } catch (NoClassDefFoundError noFramework) {
            return Optional.empty();
        }
        return bundle == null ? Optional.empty()
            : Optional.of(prefix + bundle.getBundleId() + "-" + bundle.getLastModified());
    }

    /**
     * The folder of this revision under {@code parent} (not created), with the folders of other revisions (those
     * whose names start with {@code prefix}) removed; empty outside OSGi, where nothing is removed.
     */
    public static Optional<Path> forRevisionOf(Class<?> type, Path parent, String prefix) {
        Optional<String> name = name(type, prefix);
        name.ifPresent(keep -> removeOthers(parent, prefix, keep));
        return name.map(parent::resolve);
    }

    /** Deletes the folders in {@code parent} whose names start with {@code prefix}, except {@code keep}. */
    public static void removeOthers(Path parent, String prefix, String keep) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (Files.isDirectory(dir) && name.startsWith(prefix) && !name.equals(keep)) {
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", parent, e.toString());
        }
    }

    /** Deletes a folder and everything in it, as far as it can; what cannot be deleted stays (logged at debug). */
    public static void deleteTree(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", folder, e.toString());
        }
    }
}
