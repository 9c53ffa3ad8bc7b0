package dev.modelmanager.provider.remote.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ErrorCode;

/**
 * Reads the JSON tensors of the Open Inference Protocol v2 ({@code {"name", "datatype", "shape", "data"}}, data in
 * row-major order, flat or nested) into rows, checking datatype, shape and length and naming the tensor when one
 * does not fit.
 */
final class Tensors {
    /** The floating point datatypes an embedding or score output may have (JSON carries all of them as numbers). */
    static final Set<String> FLOATS = Set.of("FP32", "FP16", "FP64", "BF16");

    private Tensors() {
    }

    /** One tensor as rows of {@code width} values: its shape must be {@code [rows, width]}. */
    record Matrix(int rows, int width, float[][] values) {
    }

    /** The output tensor named {@code name} of an infer answer. */
    static JsonNode output(JsonNode answer, String name, String modelId, String endpoint) {
        JsonNode outputs = answer.path("outputs");
        List<String> names = new ArrayList<>();
        for (JsonNode o : outputs) {
            if (name.equals(o.path("name").asText())) {
                return o;
            }
            names.add(o.path("name").asText());
        }
        throw new TensorException(ErrorCode.INFERENCE_FAILED, modelId, name, "endpoint '" + endpoint
            + "' answered without the output tensor '" + name + "' (it sent: " + (names.isEmpty() ? "none"
            : String.join(", ", names)) + ")");
    }

    /** A floating point tensor of shape {@code [rows, width]}; {@code width} is free when it is below 1. */
    static Matrix matrix(JsonNode tensor, int rows, int width, String modelId, String endpoint) {
        String name = tensor.path("name").asText("?");
        String datatype = tensor.path("datatype").asText("").toUpperCase(Locale.ROOT);
        if (!FLOATS.contains(datatype)) {
            throw fail(modelId, name, endpoint, "has datatype " + (datatype.isEmpty() ? "(none)" : datatype)
                + ", expected one of FP32, FP16, FP64, BF16");
        }
        long[] shape = shape(tensor.path("shape"), modelId, name, endpoint);
        if (shape.length != 2 || shape[0] != rows || (width > 0 && shape[1] != width)) {
            throw fail(modelId, name, endpoint, "has shape " + text(shape) + ", expected [" + rows + ", "
                + (width > 0 ? width : "n") + "]");
        }
        int columns = Math.toIntExact(shape[1]);
        List<Double> flat = new ArrayList<>(rows * columns);
        flatten(tensor.path("data"), flat, modelId, name, endpoint);
        if (flat.size() != (long) rows * columns) {
            throw fail(modelId, name, endpoint, "has " + flat.size() + " values for its shape " + text(shape)
                + " (" + (long) rows * columns + ")");
        }
        float[][] values = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                values[r][c] = flat.get(r * columns + c).floatValue();
            }
        }
        return new Matrix(rows, columns, values);
    }

    /** A shape as dimensions ({@code -1} for a variable one, as metadata gives it). */
    static long[] shape(JsonNode node, String modelId, String name, String endpoint) {
        if (!node.isArray()) {
            throw fail(modelId, name, endpoint, "has no shape");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!node.get(i).canConvertToLong()) {
                throw fail(modelId, name, endpoint, "has a shape that is not a list of integers: " + node);
            }
            shape[i] = node.get(i).asLong();
        }
        return shape;
    }

    static String text(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return b.append(']').toString();
    }

    private static void flatten(JsonNode data, List<Double> into, String modelId, String name, String endpoint) {
        if (!data.isArray()) {
            throw fail(modelId, name, endpoint, "has no data array");
        }
        for (JsonNode v : data) {
            if (v.isArray()) {
                flatten(v, into, modelId, name, endpoint);
            } else if (v.isNumber()) {
                into.add(v.asDouble());
            } else {
                throw fail(modelId, name, endpoint, "has a value that is not a number: " + v);
            }
        }
    }

    private static TensorException fail(String modelId, String name, String endpoint, String what) {
        return new TensorException(ErrorCode.INFERENCE_FAILED, modelId, name, "endpoint '" + endpoint
            + "' sent output tensor '" + name + "' that " + what);
    }
}
