package dev.modelmanager.provider.llamacpp.internal;

import java.io.IOException;
import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.args.LogFormat;
import dev.modelmanager.internal.natives.RevisionFolder;

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
                // Loaded here first, strictly: java-llama.cpp would quietly fall back to its bundled CPU build.
                java.nio.file.Path library = Files.isDirectory(settings.nativeLibraryPath())
                    ? settings.nativeLibraryPath().resolve(libraryFileName()) : settings.nativeLibraryPath();
                if (!Files.isRegularFile(library)) {
                    throw new IOException("no " + libraryFileName() + " in " + settings.nativeLibraryPath());
                }
                if (!library.getFileName().toString().equals(libraryFileName())) {
                    // java-llama.cpp looks for that name in the folder; any other it would pass over for its own.
                    throw new IOException(library + " is not named " + libraryFileName()
                        + ": name the folder that holds " + libraryFileName());
                }
                // The folder is named first: libjllama's JNI_OnLoad initialises LlamaModel, whose loader would
                // otherwise extract and load the bundled build, and the native methods would bind to that one.
                System.setProperty("de.kherud.llama.lib.path", library.toAbsolutePath().getParent().toString());
                System.load(library.toAbsolutePath().toString());
            } else {
                // A folder of this bundle revision's own: a JNI library file loads into one class loader only, so an
                // updated bundle (a new class loader) loads its own copy.
                java.nio.file.Path dir = revisionFolder(settings.nativeDir());
                if (extractBundled(dir)) {
                    // Loaded from our private folder: java-llama.cpp neither extracts (printing to stdout) nor cleans up.
                    System.setProperty("de.kherud.llama.lib.path", dir.toString());
                }
            }
            Class.forName(LlamaModel.class.getName(), true, LlamaNatives.class.getClassLoader());
            LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> LOG.debug("llama.cpp {}: {}", level, message.strip()));
            loaded = true;
            failure = null;
            LOG.info("llama.cpp native library loaded ({})", settings.nativeLibraryPath() != null
                ? "from " + settings.nativeLibraryPath() : "bundled CPU build, extracted to "
                    + System.getProperty("de.kherud.llama.lib.path", settings.nativeDir().toString()));
            return null;
        } catch (IOException | LinkageError | ClassNotFoundException | RuntimeException e) {
            failure = String.valueOf(e).contains("already loaded in another classloader")
                ? "the llama.cpp native library " + settings.nativeLibraryPath() + " is loaded by an earlier revision of "
                    + "this bundle (a JNI library loads into one class loader): restart the JVM to use the updated bundle"
                : "the llama.cpp native library failed to load: " + e;
            LOG.error("{}", failure, e);
            return failure;
        }
    }

    /**
     * {@code <dir>/r<bundle id>-<last modified>} inside OSGi (folders of earlier revisions are removed: their libraries
     * stay mapped for as long as their class loaders live), {@code dir} itself outside. The {@code r} keeps the
     * revision folders apart from whatever else java-llama.cpp puts into {@code dir}.
     */
    private static java.nio.file.Path revisionFolder(java.nio.file.Path dir) throws IOException {
        java.util.Optional<java.nio.file.Path> own = RevisionFolder.forRevisionOf(LlamaNatives.class, dir, "r");
        return own.isPresent() ? Files.createDirectories(own.get()) : dir;
    }

    private static String libraryFileName() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        return os.contains("win") ? "jllama.dll" : os.contains("mac") ? "libjllama.dylib" : "libjllama.so";
    }

    /**
     * Copies the bundled library for this OS and architecture into {@code dir} (when it is not there with the same
     * size already). {@code false} when the bundle has none for this platform.
     */
    private static boolean extractBundled(java.nio.file.Path dir) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        String folder = os.contains("win") ? "Windows" : os.contains("mac") ? "Mac" : "Linux";
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") || arch.equals("arm64")
            ? "aarch64" : arch;
        String file = libraryFileName();
        String resource = "/de/kherud/llama/" + folder + "/" + cpu + "/" + file;
        try (java.io.InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            byte[] bytes = in.readAllBytes();
            java.nio.file.Path target = dir.resolve(file);
            if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                java.nio.file.Path tmp = dir.resolve(file + ".tmp-" + ProcessHandle.current().pid());
                Files.write(tmp, bytes);
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return true;
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
