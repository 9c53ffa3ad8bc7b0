package dev.modelmanager.provider.remote.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;

/**
 * How one KServe v2 model is called, from its metadata ({@code inputs} and {@code outputs}, each with
 * {@code name}, {@code datatype}, {@code shape}) and the requirement's options:
 * <ul>
 * <li>{@code input}: the {@code BYTES} input the texts go to (default: the first {@code BYTES} input); its
 * declared shape decides whether texts are sent as {@code [n]} or {@code [n, 1]}</li>
 * <li>{@code input.pair}: the {@code BYTES} input a pair's second text goes to (default: the second {@code BYTES}
 * input, when the model has exactly two); without one, the model does not classify pairs</li>
 * <li>{@code output}: the output to read (default: the only output, else the first floating point one); it must
 * be {@code FP32}, {@code FP16}, {@code FP64} or {@code BF16} of shape {@code [n, width]}</li>
 * <li>{@code labels}: a classifier's label names, comma-separated, in output order (default
 * {@code LABEL_0}, {@code LABEL_1}, ...)</li>
 * <li>{@code scores}: {@code logits} (softmax over the labels, the sigmoid of a single one), {@code probabilities}
 * (as sent), or {@code auto} (the default: a row of two or more values in [0, 1] that sum to 1 is taken as
 * probabilities, any other row, a single value included, as logits)</li>
 * <li>{@code version}: the model version to call ({@code /v2/models/{m}/versions/{v}})</li>
 * <li>{@code max_batch_size}: the most texts one {@code /infer} carries (0: no limit); default Triton's
 * {@code max_batch_size} from {@code GET /v2/models/{m}/config} when the server has that extension</li>
 * </ul>
 */
record KServeModel(String path, String input, long[] inputShape, String pairInput, String output, int width,
                   List<String> labels, Scores scores) {
    static final String INPUT = "input";
    static final String PAIR_INPUT = "input.pair";
    static final String OUTPUT = "output";
    static final String LABELS = "labels";
    static final String SCORES = "scores";
    static final String VERSION = "version";
    static final String MAX_BATCH = "max_batch_size";

    /** What a classifier's output holds. */
    enum Scores { AUTO, LOGITS, PROBABILITIES }

    KServeModel {
        labels = List.copyOf(labels);
    }

    static KServeModel from(JsonNode metadata, ModelRequirement requirement, String path, String modelId,
                            String endpoint) {
        Map<String, String> options = requirement.options();
        JsonNode inputs = metadata.path("inputs");
        JsonNode outputs = metadata.path("outputs");
        List<JsonNode> texts = new ArrayList<>();
        inputs.forEach(i -> {
            if ("BYTES".equalsIgnoreCase(i.path("datatype").asText())) {
                texts.add(i);
            }
        });
        JsonNode input = pick(inputs, options.get(INPUT), texts.isEmpty() ? null : texts.get(0), "input", modelId,
            endpoint, "BYTES inputs (texts)");
        checkBytes(input, modelId, endpoint);
        String inputName = input.path("name").asText();
        long[] shape = input.has("shape") ? Tensors.shape(input.path("shape"), modelId, inputName, endpoint)
            : new long[] {-1};
        if (shape.length < 1 || shape.length > 2 || (shape.length == 2 && shape[1] != 1 && shape[1] != -1)) {
            throw load(modelId, inputName, endpoint, "input '" + inputName + "' has shape " + Tensors.text(shape)
                + "; a text input needs [-1] or [-1, 1]");
        }
        String pair = options.get(PAIR_INPUT);
        if (pair != null) {
            checkBytes(pick(inputs, pair, null, "input", modelId, endpoint, "BYTES inputs"), modelId, endpoint);
        } else if (texts.size() == 2 && options.get(INPUT) == null) {
            pair = texts.get(1).path("name").asText();
        }

        JsonNode fallback = outputs.size() == 1 ? outputs.get(0) : null;
        for (JsonNode o : outputs) {
            if (fallback == null && Tensors.FLOATS.contains(o.path("datatype").asText().toUpperCase(Locale.ROOT))) {
                fallback = o;
            }
        }
        JsonNode output = pick(outputs, options.get(OUTPUT), fallback, "output", modelId, endpoint,
            "floating point outputs");
        String outputName = output.path("name").asText();
        String datatype = output.path("datatype").asText("").toUpperCase(Locale.ROOT);
        if (!datatype.isEmpty() && !Tensors.FLOATS.contains(datatype)) {
            throw load(modelId, outputName, endpoint, "output '" + outputName + "' has datatype " + datatype
                + "; vectors and scores need FP32, FP16, FP64 or BF16");
        }
        int width = -1;
        if (output.has("shape")) {
            long[] out = Tensors.shape(output.path("shape"), modelId, outputName, endpoint);
            if (out.length != 2) {
                throw load(modelId, outputName, endpoint, "output '" + outputName + "' has shape " + Tensors.text(out)
                    + "; one vector or one row of scores per text needs [-1, width]");
            }
            width = (int) out[1];
        }
        List<String> labels = new ArrayList<>();
        String named = options.get(LABELS);
        if (named != null) {
            for (String l : named.split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.strip());
                }
            }
            if (width > 0 && labels.size() != width) {
                throw load(modelId, outputName, endpoint, "option labels names " + labels.size() + " labels but output '"
                    + outputName + "' has " + width + " scores per text");
            }
        }
        Scores scores;
        try {
            scores = Scores.valueOf(options.getOrDefault(SCORES, "auto").strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ModelException.invalidRequirement("options." + SCORES, "must be auto, logits or probabilities, was "
                + options.get(SCORES));
        }
        return new KServeModel(path, inputName, shape, pair, outputName, width, labels, scores);
    }

    /** The tensor named by the option (which must exist when the metadata lists tensors), else the default. */
    private static JsonNode pick(JsonNode tensors, String named, JsonNode otherwise, String what, String modelId,
                                 String endpoint, String wanted) {
        List<String> names = new ArrayList<>();
        tensors.forEach(t -> names.add(t.path("name").asText() + " (" + t.path("datatype").asText() + ")"));
        if (named != null) {
            for (JsonNode t : tensors) {
                if (named.equals(t.path("name").asText())) {
                    return t;
                }
            }
            if (tensors.isEmpty()) {
                return RemoteEndpoint.JSON.createObjectNode().put("name", named);
            }
            throw load(modelId, named, endpoint, "the model has no " + what + " '" + named + "' (it has: "
                + String.join(", ", names) + ")");
        }
        if (otherwise == null) {
            throw load(modelId, what + "s", endpoint, "the model's metadata lists no " + wanted + " (it has: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + "); name one with option " + what);
        }
        return otherwise;
    }

    private static void checkBytes(JsonNode input, String modelId, String endpoint) {
        String datatype = input.path("datatype").asText("BYTES");
        if (!"BYTES".equalsIgnoreCase(datatype)) {
            String name = input.path("name").asText();
            throw load(modelId, name, endpoint, "input '" + name + "' has datatype " + datatype
                + "; texts are sent as BYTES");
        }
    }

    private static TensorException load(String modelId, String tensor, String endpoint, String what) {
        return new TensorException(ErrorCode.LOAD_FAILED, modelId, tensor, "endpoint '" + endpoint + "': " + what);
    }

    /** Each row's scores as labels, in output order, as probabilities. */
    List<List<LabelScore>> scores(Tensors.Matrix matrix, String modelId, String endpoint) {
        if (!labels.isEmpty() && labels.size() != matrix.width()) {
            throw new TensorException(ErrorCode.INFERENCE_FAILED, modelId, output, "endpoint '" + endpoint
                + "' sent output tensor '" + output + "' with " + matrix.width() + " scores per text for the "
                + labels.size() + " labels of option labels");
        }
        List<List<LabelScore>> out = new ArrayList<>(matrix.rows());
        for (float[] row : matrix.values()) {
            double[] p = probabilities(row);
            List<LabelScore> scored = new ArrayList<>(p.length);
            for (int i = 0; i < p.length; i++) {
                scored.add(new LabelScore(labels.isEmpty() ? "LABEL_" + i : labels.get(i), p[i]));
            }
            out.add(scored);
        }
        return out;
    }

    private double[] probabilities(float[] row) {
        double[] p = new double[row.length];
        double sum = 0;
        boolean unit = true;
        for (int i = 0; i < row.length; i++) {
            p[i] = row[i];
            sum += row[i];
            unit &= row[i] >= 0 && row[i] <= 1;
        }
        boolean logits = scores == Scores.LOGITS || (scores == Scores.AUTO
            && !(p.length > 1 && unit && Math.abs(sum - 1) < 1e-3));
        if (!logits) {
            return p;
        }
        if (p.length == 1) {
            p[0] = 1 / (1 + Math.exp(-p[0]));
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : p) {
            max = Math.max(max, v);
        }
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(p[i] - max);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }
}
