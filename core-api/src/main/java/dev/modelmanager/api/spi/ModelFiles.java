package dev.modelmanager.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * A model's files on the local disk, resolved by the manager from the model's source (downloaded from the Hub
 * into its cache, found at a local path, or extracted from a bundle or jar). Providers read them; they never
 * fetch anything themselves.
 *
 * @param root  the folder holding the files in the repository layout, or {@code null} (remote models)
 * @param main  the one file the source names (a GGUF file, say), or {@code null} when it names a folder or
 *              several files
 * @param files repository path to local file, for every file that was asked for and found
 */
public record ModelFiles(Path root, Path main, Map<String, Path> files) {
    /** No local files: the model is served elsewhere. */
    public static final ModelFiles NONE = new ModelFiles(null, null, Map.of());

    public ModelFiles {
        files = Map.copyOf(files);
    }

    /** The local file for a repository path, if the source has it. */
    public Optional<Path> file(String path) {
        Path p = files.get(path);
        if (p == null && root != null) {
            Path candidate = root.resolve(path);
            if (java.nio.file.Files.isRegularFile(candidate)) {
                p = candidate;
            }
        }
        return Optional.ofNullable(p);
    }

    /**
     * The local file for a repository path.
     *
     * @throws ModelException {@link ErrorCode#SOURCE_UNAVAILABLE} naming the missing file
     */
    public Path require(String path) {
        return file(path).orElseThrow(() -> new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "file",
            "the model's source has no " + path + (root == null ? "" : " (looked in " + root + ")"), null));
    }

    /**
     * How a message names one of these files: its path inside {@link #root()} (e.g. {@code onnx/model.onnx}), else
     * its file name; never the working directory or a path outside the model's folder.
     */
    public String nameOf(Path file) {
        if (root != null && file.startsWith(root) && !file.equals(root)) {
            return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
        }
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
