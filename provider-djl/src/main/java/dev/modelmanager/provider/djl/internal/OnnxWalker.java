package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.modelmanager.provider.djl.internal.OnnxFile.FormatException;
import dev.modelmanager.provider.djl.internal.OnnxFile.Value;

/**
 * One walk over the protobuf fields of an ONNX {@code ModelProto} (see {@link OnnxFile}), through a window of the
 * file: the messages it needs (graph, nodes, attributes, tensors, value infos and their shapes) field by field, every
 * other field by its wire type and length, each checked to end where its enclosing message ends.
 */
final class OnnxWalker {
    /** Protobuf wire types. */
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;
    private static final int MAX_DEPTH = 64;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer window = ByteBuffer.allocate(1 << 16);
    private long windowStart;
    private long pos;
    private int depth;
    private final Set<String> external = new LinkedHashSet<>();

    OnnxWalker(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        window.limit(0);
    }

    OnnxFile model() throws IOException {
        if (size == 0) {
            throw new FormatException("is empty");
        }
        long ir = -1;
        Graph graph = null;
        boolean opset = false;
        try {
            while (pos < size) {
                long tag = tag();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == 1 && wire == VARINT) {
                    ir = varint();
                } else if (field == 7 && wire == LEN) {
                    long end = length(size, "its graph");
                    graph = graph(end, true);
                } else if (field == 8 && wire == LEN) {
                    opset = true;
                    message(length(size, "its opset imports"));
                } else {
                    skip(wire, size, "a field of the model");
                }
            }
        } catch (FormatException e) {
            if (ir <= 0) {
                // An ONNX file states its ir_version first: before it, a broken structure is no ONNX file.
                throw new FormatException("is not an ONNX model (its bytes are not an ONNX protobuf)");
            }
            throw e;
        }
        if (ir <= 0 || graph == null || !opset) {
            throw new FormatException("is not an ONNX model (it has no " + (ir <= 0 ? "ir_version"
                : graph == null ? "graph" : "opset_import") + ")");
        }
        return new OnnxFile(ir, graph.inputs, graph.outputs, external);
    }

    private record Graph(List<Value> inputs, List<Value> outputs) {
    }

    private Graph graph(long end, boolean main) throws IOException {
        enter();
        List<Value> inputs = new ArrayList<>();
        List<Value> outputs = new ArrayList<>();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == LEN) {
                node(length(end, "a node"));
            } else if (field == 5 && wire == LEN) {
                tensor(length(end, "an initializer"));
            } else if ((field == 11 || field == 12) && wire == LEN) {
                Value v = valueInfo(length(end, field == 11 ? "an input" : "an output"));
                (field == 11 ? inputs : outputs).add(v);
            } else {
                skip(wire, end, "a field of the graph");
            }
        }
        leave(end);
        if (main && outputs.isEmpty()) {
            throw new FormatException("is corrupt (its graph has no outputs)");
        }
        return new Graph(inputs, outputs);
    }

    private void node(long end) throws IOException {
        enter();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 5 && wire == LEN) {
                attribute(length(end, "a node attribute"));
            } else {
                skip(wire, end, "a field of a node");
            }
        }
        leave(end);
    }

    private void attribute(long end) throws IOException {
        enter();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if ((field == 5 || field == 10) && wire == LEN) {
                tensor(length(end, "an attribute's tensor"));
            } else if ((field == 6 || field == 11) && wire == LEN) {
                graph(length(end, "a subgraph"), false);
            } else {
                skip(wire, end, "a field of an attribute");
            }
        }
        leave(end);
    }

    private void tensor(long end) throws IOException {
        enter();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 13 && wire == LEN) {
                externalEntry(length(end, "a tensor's external data"));
            } else {
                skip(wire, end, "a field of a tensor");
            }
        }
        leave(end);
    }

    private void externalEntry(long end) throws IOException {
        enter();
        String key = null;
        String value = null;
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if ((field == 1 || field == 2) && wire == LEN) {
                String text = string(length(end, "an external data entry"));
                if (field == 1) {
                    key = text;
                } else {
                    value = text;
                }
            } else {
                skip(wire, end, "an external data entry");
            }
        }
        leave(end);
        if ("location".equals(key) && value != null) {
            external.add(value);
        }
    }

    private Value valueInfo(long end) throws IOException {
        enter();
        String name = "";
        List<Long> shape = List.of();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == LEN) {
                name = string(length(end, "a value's name"));
            } else if (field == 2 && wire == LEN) {
                shape = type(length(end, "a value's type"));
            } else {
                skip(wire, end, "a field of a value");
            }
        }
        leave(end);
        return new Value(name, shape);
    }

    /** A TypeProto: the shape of its tensor type, if it is one. */
    private List<Long> type(long end) throws IOException {
        enter();
        List<Long> shape = List.of();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == LEN) {
                shape = tensorType(length(end, "a tensor type"));
            } else {
                skip(wire, end, "a field of a type");
            }
        }
        leave(end);
        return shape;
    }

    private List<Long> tensorType(long end) throws IOException {
        enter();
        List<Long> shape = List.of();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 2 && wire == LEN) {
                shape = shape(length(end, "a shape"));
            } else {
                skip(wire, end, "a field of a tensor type");
            }
        }
        leave(end);
        return shape;
    }

    private List<Long> shape(long end) throws IOException {
        enter();
        List<Long> dims = new ArrayList<>();
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == LEN) {
                dims.add(dimension(length(end, "a dimension")));
            } else {
                skip(wire, end, "a field of a shape");
            }
        }
        leave(end);
        return dims;
    }

    private long dimension(long end) throws IOException {
        enter();
        long value = -1;
        while (pos < end) {
            long tag = tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == VARINT) {
                value = varint();
            } else {
                skip(wire, end, "a field of a dimension");
            }
        }
        leave(end);
        return value;
    }

    /** Any message whose fields are not looked at: only its structure is checked. */
    private void message(long end) throws IOException {
        enter();
        while (pos < end) {
            skip((int) (tag() & 7), end, "a field");
        }
        leave(end);
    }

    private void enter() throws FormatException {
        if (++depth > MAX_DEPTH) {
            throw new FormatException("is corrupt (its structure nests too deep)");
        }
    }

    private void leave(long end) throws FormatException {
        depth--;
        if (pos != end) {
            throw new FormatException("is corrupt (a message runs past its end)");
        }
    }

    private long tag() throws IOException {
        long tag = varint();
        int wire = (int) (tag & 7);
        if (tag >>> 3 == 0 || tag >>> 3 > (1 << 29) || (wire != VARINT && wire != FIXED64 && wire != LEN
            && wire != FIXED32)) {
            throw new FormatException("is corrupt (a field has an impossible tag)");
        }
        return tag;
    }

    /** The end of a length-delimited field that must fit in {@code limit}. */
    private long length(long limit, String what) throws IOException {
        long n = varint();
        if (n < 0 || pos + n > limit) {
            throw new FormatException(limit == size && pos + n > size
                ? "is truncated (the file ends inside " + what + ")"
                : "is corrupt (" + what + " runs past its end)");
        }
        return pos + n;
    }

    private void skip(int wire, long limit, String what) throws IOException {
        long to = switch (wire) {
            case VARINT -> {
                varint();
                yield pos;
            }
            case FIXED64 -> pos + 8;
            case FIXED32 -> pos + 4;
            case LEN -> length(limit, what);
            default -> throw new FormatException("is corrupt (a field has an impossible tag)");
        };
        if (to > limit) {
            throw new FormatException(limit == size ? "is truncated (the file ends inside " + what + ")"
                : "is corrupt (" + what + " runs past its end)");
        }
        pos = to;
    }

    private String string(long end) throws IOException {
        int n = (int) Math.min(end - pos, 1 << 20);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = next();
        }
        pos = end;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private long varint() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = next();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new FormatException("is corrupt (a number runs on)");
    }

    private byte next() throws IOException {
        if (pos >= size) {
            throw new FormatException("is truncated (the file ends inside a field)");
        }
        if (pos < windowStart || pos >= windowStart + window.limit()) {
            window.clear();
            windowStart = pos;
            while (window.hasRemaining()) {
                if (channel.read(window, windowStart + window.position()) <= 0) {
                    break;
                }
            }
            window.flip();
            if (window.limit() == 0) {
                throw new FormatException("is truncated (the file ends inside a field)");
            }
        }
        byte b = window.get((int) (pos - windowStart));
        pos++;
        return b;
    }
}
