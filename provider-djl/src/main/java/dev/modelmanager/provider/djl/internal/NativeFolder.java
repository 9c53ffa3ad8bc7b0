package dev.modelmanager.provider.djl.internal;

import java.nio.file.Path;
import java.util.Optional;

import dev.modelmanager.internal.natives.RevisionFolder;

/**
 * Where DJL extracts its JNI libraries (the tokenizers') for this bundle revision:
 * {@code <DJL_CACHE_DIR>/engines/<bundle id>-<last modified>}, read by DJL as {@code ENGINE_CACHE_DIR} when it loads
 * them. Each revision of the bundle (after {@code update}, or a new jar in {@code deploy/}) gets its own copy, because
 * the JVM lets one library file be loaded by one class loader only; folders of earlier revisions are removed
 * ({@link RevisionFolder}). Outside OSGi, without {@code DJL_CACHE_DIR} or with {@code ENGINE_CACHE_DIR} set: DJL's
 * default.
 */
final class NativeFolder {
    private NativeFolder() {
    }

    static Optional<String> forThisRevision(Class<?> type) {
        String cache = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
        if (cache == null || System.getenv("ENGINE_CACHE_DIR") != null) {
            return Optional.empty();
        }
        // Every folder in engines/ is a revision's: no prefix.
        return RevisionFolder.forRevisionOf(type, Path.of(cache, "engines"), "").map(Path::toString);
    }
}
