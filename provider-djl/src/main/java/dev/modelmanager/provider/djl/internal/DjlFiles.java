package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.ModelFiles;

/**
 * What the provider checks of a model's files before ONNX Runtime and the tokenizers see them, at registration
 * ({@code validate}) and again at load: the JSON files parse, {@code tokenizer.json} is a Hugging Face tokenizer, each
 * ONNX graph is a whole ONNX model ({@link OnnxFile}) with the inputs the provider feeds, and the graph is of the
 * kind the requirement's type needs, where its outputs tell (a classifier's {@code logits} is no embedding, an
 * encoder's {@code last_hidden_state} no classifier). Failures are {@code INVALID_MODEL_FILE} (or
 * {@code INVALID_REQUIREMENT} when the requirement contradicts the files) and name the file inside the model's
 * folder; they quote nothing of its content and list no folder.
 */
final class DjlFiles {
    /** Outputs of a graph that yields token (or sentence) vectors, in the order {@link DjlEmbedder} prefers them. */
    static final List<String> EMBEDDING_OUTPUTS = List.of("last_hidden_state", "token_embeddings", "sentence_embedding");
    static final String LOGITS = "logits";
    private static final Pattern POSITION = Pattern.compile("line \\d+ column \\d+");

    private DjlFiles() {
    }

    /**
     * The checked files' parsed parts a load goes on with.
     *
     * @param config the model's {@code config.json} (empty when it has none)
     * @param spec   the sentence-transformers settings of an embedding model, else {@code null}
     */
    record Checked(ModelConfig config, EmbeddingSpec spec) {
    }

    static Checked check(String modelId, ModelRequirement req, ModelFiles files) {
        ModelConfig config = config(modelId, files);
        json(modelId, files, files.require("tokenizer.json"), true);
        EmbeddingSpec spec = null;
        switch (req.modelType()) {
            case EMBEDDING -> {
                spec = spec(modelId, req, files);
                Path onnx = files.require("onnx/model.onnx");
                OnnxFile graph = graph(modelId, files, onnx);
                if (EMBEDDING_OUTPUTS.stream().noneMatch(graph::hasOutput) && graph.hasOutput(LOGITS)) {
                    throw invalid(modelId, files.nameOf(onnx) + " is a classification model (its output is logits"
                        + config.architecture().map(a -> "; config.json: " + a).orElse("") + "), not an embedding "
                        + "model: register it as model_type=classification");
                }
                OnnxFile.Value vectors = EMBEDDING_OUTPUTS.stream().map(graph::output).flatMap(Optional::stream)
                    .findFirst().orElse(graph.outputs().get(0));
                if (vectors.rank() != 0 && vectors.rank() != 2 && vectors.rank() != 3) {
                    throw invalid(modelId, files.nameOf(onnx) + "'s output " + vectors.name() + " has "
                        + vectors.rank() + " dimensions; an embedding model gives [batch, tokens, hidden] or "
                        + "[batch, hidden]");
                }
            }
            case CLASSIFICATION -> {
                Path onnx = files.require("onnx/model.onnx");
                OnnxFile graph = graph(modelId, files, onnx);
                Optional<OnnxFile.Value> logits = graph.output(LOGITS);
                if (logits.isEmpty() && EMBEDDING_OUTPUTS.stream().anyMatch(graph::hasOutput)) {
                    throw invalid(modelId, files.nameOf(onnx) + " is an embedding (feature-extraction) model (its "
                        + "output is " + EMBEDDING_OUTPUTS.stream().filter(graph::hasOutput).findFirst().orElseThrow()
                        + ", no logits), not a classifier: register it as model_type=embedding");
                }
                List<String> labels = labels(modelId, config);
                if (req.numLabels() != null && !labels.isEmpty() && req.numLabels() != labels.size()) {
                    throw new ModelException(ErrorCode.INVALID_REQUIREMENT, modelId, "num_labels", "num_labels: the "
                        + "requirement says " + req.numLabels() + " but config.json has " + labels.size() + " labels "
                        + labels, null);
                }
                long classes = logits.map(l -> l.rank() == 0 ? -1 : l.shape().get(l.rank() - 1)).orElse(-1L);
                if (classes > 0 && !labels.isEmpty() && classes != labels.size()) {
                    throw invalid(modelId, "config.json names " + labels.size() + " labels but "
                        + files.nameOf(onnx) + " scores " + classes + " classes");
                }
            }
            case TEXT2TEXT -> {
                graph(modelId, files, files.require("onnx/encoder_model.onnx"));
                Path decoder = files.require("onnx/decoder_model.onnx");
                if (!graph(modelId, files, decoder).hasOutput(LOGITS)) {
                    throw invalid(modelId, files.nameOf(decoder) + " has no logits output: it is not a decoder");
                }
                numbers(modelId, config, "decoder_start_token_id", "pad_token_id", "eos_token_id");
            }
            default -> throw new ModelException(ErrorCode.INVALID_REQUIREMENT, modelId, "model_type", "model_type: "
                + "the djl provider serves embedding, classification and text2text models", null);
        }
        numbers(modelId, config, "max_position_embeddings");
        return new Checked(config, spec);
    }

    /** An ONNX graph's outline; it must take the token ids the provider feeds, and its external data be there. */
    private static OnnxFile graph(String modelId, ModelFiles files, Path onnx) {
        String name = files.nameOf(onnx);
        OnnxFile graph;
        try {
            graph = OnnxFile.read(onnx);
        } catch (OnnxFile.FormatException e) {
            throw invalid(modelId, name + " " + e.getMessage());
        } catch (IOException e) {
            throw unreadable(modelId, name, e);
        }
        if (!graph.hasInput("input_ids")) {
            throw invalid(modelId, name + " takes no input_ids: it is not a text model this provider can feed");
        }
        Path folder = onnx.getParent();
        for (String location : graph.externalData()) {
            boolean plain = location.matches("[A-Za-z0-9._-]{1,128}");
            Path data = plain ? folder.resolve(location) : null;
            if (data == null || !Files.isRegularFile(data)) {
                throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, modelId, "source", name + " keeps its weights "
                    + "in " + (plain ? location : "a file beside it") + ", which the model's folder does not have",
                    null);
            }
        }
        return graph;
    }

    private static ModelConfig config(String modelId, ModelFiles files) {
        Optional<Path> file = files.file("config.json");
        if (file.isEmpty()) {
            return ModelConfig.EMPTY;
        }
        JsonElement json = json(modelId, files, file.get(), false);
        if (!json.isJsonObject()) {
            throw invalid(modelId, "config.json is not a JSON object");
        }
        return new ModelConfig(json.getAsJsonObject());
    }

    /** A JSON file parsed; {@code tokenizer} says it must be a Hugging Face tokenizer (an object with a model). */
    private static JsonElement json(String modelId, ModelFiles files, Path file, boolean tokenizer) {
        String name = files.nameOf(file);
        JsonElement json;
        try (Reader reader = Files.newBufferedReader(file)) {
            json = JsonParser.parseReader(reader);
        } catch (com.google.gson.JsonParseException e) {
            Matcher at = POSITION.matcher(String.valueOf(e.getMessage()));
            throw invalid(modelId, name + " is not valid JSON" + (at.find() ? " (at " + at.group() + ")" : ""));
        } catch (IOException e) {
            // Not UTF-8 text (a binary file), or unreadable.
            if (e instanceof java.nio.charset.CharacterCodingException) {
                throw invalid(modelId, name + " is not valid JSON (it is not UTF-8 text)");
            }
            throw unreadable(modelId, name, e);
        }
        if (tokenizer && !(json.isJsonObject() && json.getAsJsonObject().get("model") instanceof
            com.google.gson.JsonObject)) {
            throw invalid(modelId, name + " is not a Hugging Face tokenizer (it has no \"model\" object)");
        }
        return json;
    }

    private static EmbeddingSpec spec(String modelId, ModelRequirement req, ModelFiles files) {
        try {
            return EmbeddingSpec.read(files, req.options());
        } catch (ModelException e) {
            throw e.forModel(modelId);
        } catch (RuntimeException e) {
            throw invalid(modelId, "a sentence-transformers file (" + String.join(", ", EmbeddingSpec.FILES)
                + ") holds a value of the wrong type");
        }
    }

    private static List<String> labels(String modelId, ModelConfig config) {
        try {
            return config.labels();
        } catch (RuntimeException e) {
            throw invalid(modelId, "config.json: id2label is not a map of class numbers to label names");
        }
    }

    private static void numbers(String modelId, ModelConfig config, String... keys) {
        for (String key : keys) {
            try {
                config.integer(key);
            } catch (RuntimeException e) {
                throw invalid(modelId, "config.json: " + key + " is not a whole number");
            }
        }
    }

    static ModelException invalid(String modelId, String reason) {
        return new ModelException(ErrorCode.INVALID_MODEL_FILE, modelId, "source", reason, null);
    }

    private static ModelException unreadable(String modelId, String name, IOException e) {
        return new ModelException(ErrorCode.SOURCE_UNAVAILABLE, modelId, "source", "cannot read " + name + " ("
            + e.getClass().getSimpleName() + ")", null);
    }
}
