package dev.modelmanager.provider.llamacpp.internal;

import java.io.IOException;
import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.args.LogFormat;

/**
 * Loads the JNI library once, when the provider activates (never in a static initialiser of ours): into a private
 * folder, because java-llama.cpp otherwise extracts into {@code java.io.tmpdir} and deletes every file there whose
 * name starts with {@code llama} or {@code jllama}; or from a folder with a user-built library. A library that
 * cannot load leaves the provider unavailable with the reason, not a broken framework.
 */
final class LlamaNatives {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaNatives.class);
    private static volatile String failure;
    private static volatile boolean loaded;

    private LlamaNatives() {
    }

    /** Loads the library if it is not loaded yet; {@code null} on success, else why it failed. */
    static synchronized String load(LlamaCppSettings settings) {
        if (loaded) {
            return null;
        }
        try {
            Files.createDirectories(settings.nativeDir());
            System.setProperty("de.kherud.llama.tmpdir", settings.nativeDir().toString());
            if (settings.nativeLibraryPath() != null) {
                System.setProperty("de.kherud.llama.lib.path", settings.nativeLibraryPath().toString());
            }
            Class.forName(LlamaModel.class.getName(), true, LlamaNatives.class.getClassLoader());
            LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> LOG.debug("llama.cpp {}: {}", level, message.strip()));
            loaded = true;
            failure = null;
            LOG.info("llama.cpp native library loaded ({})", settings.nativeLibraryPath() != null
                ? "from " + settings.nativeLibraryPath() : "bundled CPU build, extracted to " + settings.nativeDir());
            return null;
        } catch (IOException | LinkageError | ClassNotFoundException | RuntimeException e) {
            failure = "the llama.cpp native library failed to load: " + e;
            LOG.error("{}", failure, e);
            return failure;
        }
    }

    static String failure() {
        return failure;
    }

    /** The bundled library is a CPU build; a user-built one may have a GPU backend. */
    static boolean bundledCpuOnly(LlamaCppSettings settings) {
        return settings.nativeLibraryPath() == null;
    }
}
