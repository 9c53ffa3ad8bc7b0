package dev.modelmanager.api;

import java.util.List;
import java.util.Objects;

/**
 * Where a model comes from. The manager resolves a source to local files before a provider loads the model, so
 * that providers never download on their own; {@link Remote} sources are passed to the provider untouched.
 */
public sealed interface ModelSource {

    /** A short, secret-free description for status output and logs. */
    String describe();

    /**
     * This source with its relative local paths (a {@link LocalPath}'s path, the jar file of a {@link Classpath})
     * taken against {@code base} and every local path normalized; other sources as they are. The manager does this
     * once, at registration, so that a path means the same file after a restart from another folder.
     *
     * @throws ModelException {@link ErrorCode#INVALID_REQUIREMENT} naming {@code source.path} or {@code source.jar}
     *         for text that is not a path
     */
    default ModelSource against(java.nio.file.Path base) {
        if (this instanceof LocalPath p) {
            return new LocalPath(absolute(base, p.path(), "source.path"));
        }
        if (this instanceof Classpath c && c.bundle() != null && c.bundle().endsWith(".jar")) {
            return new Classpath(absolute(base, c.bundle(), "source.jar"), c.resources());
        }
        return this;
    }

    private static String absolute(java.nio.file.Path base, String given, String field) {
        try {
            java.nio.file.Path path = java.nio.file.Path.of(given);
            return (path.isAbsolute() ? path : base.resolve(path)).toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            throw ModelException.invalidRequirement(field, "not a path: " + e.getReason());
        }
    }

    /**
     * A Hugging Face Hub repository.
     *
     * @param repository e.g. {@code sentence-transformers/all-MiniLM-L6-v2}
     * @param revision   branch, tag or commit; {@code main} by default
     * @param files      the files wanted (e.g. {@code onnx/model.onnx}); empty = what the provider asks for
     */
    record Hub(String repository, String revision, List<String> files, String quant) implements ModelSource {
        /** A repository's files, as named (or as the provider asks for them when none are). */
        public Hub(String repository, String revision, List<String> files) {
            this(repository, revision, files, null);
        }

        public Hub {
            repository = requireText(repository, "source.repository");
            if (!repository.matches("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?")) {
                throw ModelException.invalidRequirement("source.repository",
                    "must look like 'org/name', was '" + repository + "'");
            }
            revision = revision == null || revision.isBlank() ? "main" : revision.trim();
            files = List.copyOf(files == null ? List.of() : files);
            quant = quant == null || quant.isBlank() ? null : quant.strip();
            if (quant != null && !quant.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")) {
                throw ModelException.invalidRequirement("quant", "must be a quantization tag such as Q4_K_M, was '"
                    + quant + "'");
            }
            if (quant != null && !files.isEmpty()) {
                throw ModelException.invalidRequirement("quant", "names the GGUF file by its quantization; give "
                    + "either quant or files");
            }
            for (String file : files) {
                if (file.isBlank() || file.startsWith("/") || file.contains("..")) {
                    throw ModelException.invalidRequirement("source.files", "must be relative paths inside the repository, was '" + file + "'");
                }
            }
        }

        @Override
        public String describe() {
            return "hub:" + repository + "@" + revision + (quant == null ? "" : ":" + quant)
                + (files.isEmpty() ? "" : " " + String.join(",", files));
        }
    }

    /** A file or directory on the local file system. */
    record LocalPath(String path) implements ModelSource {
        public LocalPath {
            path = requireText(path, "source.path");
        }

        @Override
        public String describe() {
            return "path:" + path;
        }
    }

    /**
     * Resources inside a bundle or a jar (e.g. the ONNX file and tokenizer inside a model jar from Maven Central),
     * extracted to the local disk for the provider. Each entry is a resource path, or {@code name=resource} to
     * give the resource the repository path a provider expects, e.g.
     * {@code onnx/model.onnx=all-minilm-l6-v2-q.onnx}.
     *
     * @param bundle    the symbolic name of the bundle holding them, or the path of a jar file; {@code null}
     *                  searches the manager's own class path
     * @param resources resource entries
     */
    record Classpath(String bundle, List<String> resources) implements ModelSource {
        public Classpath {
            resources = List.copyOf(Objects.requireNonNullElse(resources, List.of()));
            if (resources.isEmpty()) {
                throw ModelException.invalidRequirement("source.resources", "at least one resource is needed");
            }
        }

        @Override
        public String describe() {
            return "classpath:" + (bundle == null ? "" : bundle + "!") + String.join(",", resources);
        }
    }

    /**
     * A model served by another process, reached through a configured endpoint.
     *
     * @param endpoint the name of an endpoint configuration of the remote provider
     * @param model    the model name the endpoint knows it by
     */
    record Remote(String endpoint, String model) implements ModelSource {
        public Remote {
            endpoint = requireText(endpoint, "source.endpoint");
            model = requireText(model, "source.model");
        }

        @Override
        public String describe() {
            return "remote:" + endpoint + "/" + model;
        }
    }

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ModelException.invalidRequirement(field, "must not be empty");
        }
        return value.trim();
    }
}
