package dev.modelmanager.api.spi;

/**
 * A file a provider needs from a model's source, by its path in the Hugging Face repository layout, e.g.
 * {@code config.json}, {@code tokenizer.json} or {@code onnx/model.onnx}.
 *
 * @param path     the path inside the repository
 * @param required whether loading fails without it; optional files (a faster decoder variant, say) are fetched
 *                 when the source has them
 */
public record FileRequest(String path, boolean required) {
    public FileRequest {
        if (path == null || path.isBlank() || path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("a relative path inside the repository is needed, was " + path);
        }
    }

    public static FileRequest required(String path) {
        return new FileRequest(path, true);
    }

    public static FileRequest optional(String path) {
        return new FileRequest(path, false);
    }
}
