package dev.modelmanager.provider.llamacpp.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes GGUF v3 files for tests: metadata, and F32 tensors (zero-filled unless data is given). */
public final class GgufWriter {
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, long[]> tensors = new LinkedHashMap<>();
    private final Map<String, float[]> data = new LinkedHashMap<>();

    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    public GgufWriter tensor(String name, long... shape) {
        tensors.put(name, shape);
        return this;
    }

    /** A tensor with values, in ggml order (the first dimension varies fastest). */
    public GgufWriter tensor(String name, float[] values, long... shape) {
        tensors.put(name, shape);
        data.put(name, values);
        return this;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u32(out, 0x46554747);
        u32(out, 3);
        u64(out, tensors.size());
        u64(out, metadata.size());
        metadata.forEach((k, v) -> {
            string(out, k);
            value(out, v);
        });
        long offset = 0;
        for (Map.Entry<String, long[]> t : tensors.entrySet()) {
            string(out, t.getKey());
            u32(out, t.getValue().length);
            long elements = 1;
            for (long d : t.getValue()) {
                u64(out, d);
                elements *= d;
            }
            u32(out, 0); // F32
            u64(out, offset);
            offset += (elements * 4 + 31) / 32 * 32;
        }
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        for (Map.Entry<String, long[]> t : tensors.entrySet()) {
            long elements = 1;
            for (long d : t.getValue()) {
                elements *= d;
            }
            float[] values = data.get(t.getKey());
            ByteBuffer buffer = ByteBuffer.allocate((int) ((elements * 4 + 31) / 32 * 32)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < elements; i++) {
                buffer.putFloat(values == null ? 0f : values[i]);
            }
            out.writeBytes(buffer.array());
        }
        return out.toByteArray();
    }

    private static void value(ByteArrayOutputStream out, Object v) {
        if (v instanceof String s) {
            u32(out, 8);
            string(out, s);
        } else if (v instanceof Integer i) {
            u32(out, 4);
            u32(out, i);
        } else if (v instanceof Long l) {
            u32(out, 10);
            u64(out, l);
        } else if (v instanceof Float f) {
            u32(out, 6);
            u32(out, Float.floatToIntBits(f));
        } else if (v instanceof Boolean b) {
            u32(out, 7);
            out.write(b ? 1 : 0);
        } else if (v instanceof List<?> list) {
            u32(out, 9);
            Object first = list.isEmpty() ? "" : list.get(0);
            u32(out, first instanceof Float ? 6 : first instanceof Integer ? 5 : 8);
            u64(out, list.size());
            for (Object item : list) {
                if (item instanceof Float f) {
                    u32(out, Float.floatToIntBits(f));
                } else if (item instanceof Integer i) {
                    u32(out, i);
                } else {
                    string(out, (String) item);
                }
            }
        } else {
            throw new IllegalArgumentException("unsupported " + v);
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        u64(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void u64(ByteArrayOutputStream out, long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
