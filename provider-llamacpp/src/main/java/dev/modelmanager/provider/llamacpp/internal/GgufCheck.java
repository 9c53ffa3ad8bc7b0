package dev.modelmanager.provider.llamacpp.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;
import dev.modelmanager.provider.llamacpp.gguf.GgufFormatException;
import dev.modelmanager.provider.llamacpp.gguf.GgufReader;

/**
 * What the provider checks of a model's files before llama.cpp sees them, at registration ({@code validate}) and
 * again at load: there is one GGUF file, it is a whole GGUF file, and it is a model of the kind asked for. Failures
 * are typed ({@code INVALID_MODEL_FILE}, {@code SOURCE_UNAVAILABLE}, {@code INVALID_REQUIREMENT}) and name the file
 * inside the model's folder, never its content or the other files of the folder.
 */
final class GgufCheck {
    /**
     * llama.cpp architectures that only encode (embedding models): they cannot generate text, and llama.cpp
     * does not refuse them cleanly when asked to.
     */
    static final Set<String> ENCODER_ONLY = Set.of("bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2",
        "jina-bert-v3", "modern-bert", "neo-bert", "t5encoder");

    private GgufCheck() {
    }

    /** A GGUF file read and checked for a requirement. */
    record Checked(Path file, String name, GgufFile gguf) {
    }

    /** Finds, reads and checks the model's GGUF file for the requirement. */
    static Checked check(String modelId, ModelRequirement requirement, ModelFiles files) {
        Path file = ggufFile(modelId, files);
        String name = files.nameOf(file);
        GgufFile gguf;
        try {
            gguf = GgufReader.read(file);
        } catch (GgufFormatException e) {
            throw invalid(modelId, "not a usable GGUF file: " + e.getMessage());
        } catch (IOException e) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, modelId, "source", "cannot read " + name + " ("
                + e.getClass().getSimpleName() + ")", null);
        }
        if (requirement.modelType() == ModelType.TEXT_GENERATION
            && ENCODER_ONLY.contains(gguf.architecture().toLowerCase(Locale.ROOT))) {
            throw invalid(modelId, name + " is an embedding model (architecture " + gguf.architecture() + "): it "
                + "cannot generate text; register it as model_type=embedding");
        }
        if (requirement.modelType() == ModelType.EMBEDDING) {
            LlamaCppProvider.pooling(modelId, requirement, gguf); // INVALID_REQUIREMENT before llama.cpp asserts
        }
        return new Checked(file, name, gguf);
    }

    /** The one GGUF file of the source: the file it names, else the only {@code .gguf} in its folder. */
    static Path ggufFile(String modelId, ModelFiles files) {
        if (files.main() != null) {
            return files.main();
        }
        Optional<Path> named = files.files().entrySet().stream().filter(e -> e.getKey().endsWith(".gguf"))
            .map(Map.Entry::getValue).findFirst();
        if (named.isPresent()) {
            return named.get();
        }
        Path root = files.root();
        if (root == null || !Files.isDirectory(root)) {
            throw new ModelException(ErrorCode.INVALID_REQUIREMENT, modelId, "source",
                "the source names no .gguf file (name it: hub files, a path, or a resource)", null);
        }
        List<Path> found;
        try (var list = Files.list(root)) {
            found = list.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, modelId, "source", "cannot read the model's "
                + "folder (" + e.getClass().getSimpleName() + ")", null);
        }
        if (found.isEmpty()) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, modelId, "source",
                "the model's folder holds no .gguf file", null);
        }
        if (found.size() > 1) {
            throw new ModelException(ErrorCode.INVALID_REQUIREMENT, modelId, "source.path", "source.path: the folder "
                + "holds " + found.size() + " .gguf files; name the one to load", null);
        }
        return found.get(0);
    }

    static ModelException invalid(String modelId, String reason) {
        return new ModelException(ErrorCode.INVALID_MODEL_FILE, modelId, "source", reason, null);
    }
}
