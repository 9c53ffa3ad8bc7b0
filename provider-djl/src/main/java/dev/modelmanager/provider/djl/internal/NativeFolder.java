package dev.modelmanager.provider.djl.internal;

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
 * Where DJL extracts its JNI libraries (the tokenizers') for this bundle revision:
 * {@code <DJL_CACHE_DIR>/engines/<bundle id>-<last modified>}, read by DJL as {@code ENGINE_CACHE_DIR} when it loads
 * them. Each revision of the bundle (after {@code update}, or a new jar in {@code deploy/}) gets its own copy, because
 * the JVM lets one library file be loaded by one class loader only; folders of earlier revisions are removed (their
 * libraries stay mapped in the process for as long as the old class loader lives). Outside OSGi: DJL's default.
 */
final class NativeFolder {
    private static final Logger LOG = LoggerFactory.getLogger(NativeFolder.class);

    private NativeFolder() {
    }

    static Optional<String> forThisRevision(Class<?> type) {
        Bundle bundle;
        try {
            bundle = FrameworkUtil.getBundle(type);
        } catch (NoClassDefFoundError e) {
            return Optional.empty();
        }
        String cache = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
        if (bundle == null || cache == null || System.getenv("ENGINE_CACHE_DIR") != null) {
            return Optional.empty();
        }
        Path engines = Path.of(cache, "engines");
        String name = bundle.getBundleId() + "-" + bundle.getLastModified();
        removeOthers(engines, name);
        return Optional.of(engines.resolve(name).toString());
    }

    private static void removeOthers(Path engines, String keep) {
        if (!Files.isDirectory(engines)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(engines)) {
            for (Path dir : dirs) {
                if (!dir.getFileName().toString().equals(keep)) {
                    delete(dir);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", engines, e.toString());
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
