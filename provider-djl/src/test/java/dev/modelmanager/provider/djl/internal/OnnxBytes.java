package dev.modelmanager.provider.djl.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX {@code ModelProto}s for tests, field by field as onnx.proto numbers them: a graph with named
 * inputs and outputs of given shapes (-1 = a symbolic axis) and, optionally, an initializer whose data lies in an
 * external file. Enough for the outline {@link OnnxFile} reads; not runnable by ONNX Runtime (the graph has no nodes).
 */
final class OnnxBytes {
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();

    OnnxBytes input(String name, long... shape) {
        inputs.add(valueInfo(name, shape));
        return this;
    }

    OnnxBytes output(String name, long... shape) {
        outputs.add(valueInfo(name, shape));
        return this;
    }

    /** An initializer whose data is in {@code location}, beside the ONNX file. */
    OnnxBytes externalInitializer(String name, String location) {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        field(entry, 1, text("location"));
        field(entry, 2, text(location));
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        field(tensor, 8, text(name));
        field(tensor, 13, entry.toByteArray());
        varintField(tensor, 14, 1); // data_location = EXTERNAL
        initializers.add(tensor.toByteArray());
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        field(graph, 2, text("test-graph"));
        initializers.forEach(i -> field(graph, 5, i));
        inputs.forEach(i -> field(graph, 11, i));
        outputs.forEach(o -> field(graph, 12, o));
        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        varintField(opset, 2, 17);
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 8); // ir_version
        field(model, 2, text("OnnxBytes"));
        field(model, 7, graph.toByteArray());
        field(model, 8, opset.toByteArray());
        return model.toByteArray();
    }

    private static byte[] valueInfo(String name, long... shape) {
        ByteArrayOutputStream dims = new ByteArrayOutputStream();
        for (long d : shape) {
            ByteArrayOutputStream dim = new ByteArrayOutputStream();
            if (d >= 0) {
                varintField(dim, 1, d);
            } else {
                field(dim, 2, text("axis"));
            }
            field(dims, 1, dim.toByteArray());
        }
        ByteArrayOutputStream tensorType = new ByteArrayOutputStream();
        varintField(tensorType, 1, 1); // FLOAT
        field(tensorType, 2, dims.toByteArray());
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        field(type, 1, tensorType.toByteArray());
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        field(info, 1, text(name));
        field(info, 2, type.toByteArray());
        return info.toByteArray();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        varint(out, (long) number << 3 | 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varintField(ByteArrayOutputStream out, int number, long value) {
        varint(out, (long) number << 3);
        varint(out, value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
