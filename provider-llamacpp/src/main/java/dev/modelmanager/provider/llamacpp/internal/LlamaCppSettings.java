package dev.modelmanager.provider.llamacpp.internal;

import java.nio.file.Path;

/**
 * The provider's settings as values.
 *
 * @param nativeDir         where the JNI library is extracted
 * @param nativeLibraryPath a folder with a user-built library, or {@code null}
 * @param contextSize       default context per slot
 * @param parallel          default slots per loaded model
 * @param threads           CPU threads per model (0 = all cores)
 * @param threadsBatch      CPU threads for steps of more than one token (0 = as {@code threads})
 * @param maxOutputLength   default tokens per generation
 * @param parkedInstances   closed models kept for reuse by the next load of the same file and parameters
 */
public record LlamaCppSettings(Path nativeDir, Path nativeLibraryPath, int contextSize, int parallel, int threads,
                               int threadsBatch, int maxOutputLength, int parkedInstances) {

    public static LlamaCppSettings defaults() {
        return new LlamaCppSettings(defaultNativeDir(""), null, 2048, 4, 0, 0, 256, 2);
    }

    static LlamaCppSettings from(LlamaCppConfig config) {
        String lib = config.native_library_path();
        return new LlamaCppSettings(defaultNativeDir(config.native_dir()), lib == null || lib.isBlank() ? null : Path.of(lib),
            Math.max(16, config.context_size()), Math.max(1, config.parallel()), Math.max(0, config.threads()),
            Math.max(0, config.threads_batch()),
            Math.max(1, config.max_output_length()), Math.max(0, config.parked_instances()));
    }

    static Path defaultNativeDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String explicit = System.getProperty("de.kherud.llama.tmpdir");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getProperty("modelmanager.home");
        return home != null ? Path.of(home, "data", "natives", "llama")
            : Path.of(System.getProperty("java.io.tmpdir"), "modelmanager-llama-" + System.getProperty("user.name"));
    }

    /** The threads a model runs with when its requirement names none. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
