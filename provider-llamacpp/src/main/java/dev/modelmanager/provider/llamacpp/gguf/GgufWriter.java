package dev.modelmanager.provider.llamacpp.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files of chosen shape and values: metadata, then tensors of type F32, F16, Q8_0 or Q4_0, for tests and
 * benchmarks that need a model llama.cpp loads without downloading one. A tensor's values are given either as an
 * array or as a {@link Values} function of the element index, which {@link #write(Path)} calls chunk by chunk while
 * it writes: a model of hundreds of megabytes is written without being held in memory. Tensor data is aligned to
 * 32 bytes (GGUF's default {@code general.alignment}, which is therefore not written), each tensor padded to it.
 *
 * <p>Metadata values: {@link String}, {@link Integer} (written as uint32), {@link Long} (uint64), {@link Float},
 * {@link Boolean}, and {@link List}s of strings, floats or integers (int32). Not thread-safe: build, then write.
 */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;
    /** Elements encoded per write: a multiple of every block size, about 1 MiB of F32. */
    private static final int CHUNK = 1 << 18;

    /** The tensor types this writer encodes, with ggml's numbers for them. */
    public enum Type {
        /** 4 bytes an element. */
        F32(0),
        /** IEEE half precision, 2 bytes an element (rounded to nearest, ties to even). */
        F16(1),
        /**
         * ggml's Q8_0: blocks of 32 elements, each an F16 scale {@code d = max|x| / 127} followed by 32 int8
         * {@code q = round(x / d)} (34 bytes a block); rows must be whole blocks.
         */
        Q8_0(8),
        /**
         * ggml's Q4_0: blocks of 32 elements, each an F16 scale {@code d = x_m / -8} ({@code x_m} the element of
         * largest magnitude, sign kept) followed by 16 bytes of 4-bit {@code q = min(15, (int) (x / d + 8.5))}, element
         * {@code j} in the low nibble of byte {@code j} and element {@code j + 16} in its high nibble (18 bytes a
         * block); rows must be whole blocks. CPU builds of llama.cpp repack it for their matrix kernels.
         */
        Q4_0(2);

        private final int id;

        Type(int id) {
            this.id = id;
        }

        /** ggml's number for the type, as {@link GgufFile.TensorInfo#type()} reads it. */
        public int id() {
            return id;
        }

        /** Bytes of {@code elements} elements of this type (for Q8_0 and Q4_0, whole blocks), unpadded. */
        public long bytes(long elements) {
            return switch (this) {
                case F32 -> elements * 4;
                case F16 -> elements * 2;
                case Q8_0 -> elements / 32 * 34;
                case Q4_0 -> elements / 32 * 18;
            };
        }

        /** Whether rows of this type are blocks of 32 elements. */
        boolean blocked() {
            return this == Q8_0 || this == Q4_0;
        }
    }

    /**
     * A tensor's values by element index in ggml order (the first dimension varies fastest: element
     * {@code i} of a {@code {cols, rows}} tensor is row {@code i / cols}, column {@code i % cols}). Called once per
     * element and write, in index order; it should be a pure function of the index, so that every write of the
     * same writer gives the same file.
     */
    @FunctionalInterface
    public interface Values {
        float at(long index);
    }

    private record Tensor(Type type, long[] shape, long elements, Values values) {
        long bytes() {
            return type.bytes(elements);
        }

        long paddedBytes() {
            return align(bytes());
        }
    }

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** An F32 tensor of zeros. */
    public GgufWriter tensor(String name, long... shape) {
        return tensor(name, Type.F32, i -> 0f, shape);
    }

    /** An F32 tensor with these values, in ggml order (the first dimension varies fastest). */
    public GgufWriter tensor(String name, float[] values, long... shape) {
        if (values.length != elements(shape)) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for " + elements(shape) + " elements");
        }
        return tensor(name, Type.F32, i -> values[(int) i], shape);
    }

    /**
     * A tensor of this type whose values come from {@code values} as it is written.
     *
     * @throws IllegalArgumentException when a Q8_0 tensor's rows ({@code shape[0]}) are not whole blocks of 32
     */
    public GgufWriter tensor(String name, Type type, Values values, long... shape) {
        if (type.blocked() && (shape.length == 0 || shape[0] % 32 != 0)) {
            throw new IllegalArgumentException(name + ": a " + type + " tensor's rows must be whole blocks of 32 elements");
        }
        tensors.put(name, new Tensor(type, shape.clone(), elements(shape), values));
        return this;
    }

    /**
     * Uniform values in {@code [-limit, limit)}, a function of the seed and the index only (a SplitMix64 hash of
     * both): the same seed gives the same tensor however it is written, and different seeds give unrelated ones.
     */
    public static Values uniform(long seed, float limit) {
        return i -> {
            long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return ((z >>> 40) * 0x1.0p-23f - 1f) * limit; // 24 random bits -> [-1, 1)
        };
    }

    /** The size in bytes of the file {@link #write(Path)} writes, computed without encoding any tensor. */
    public long size() {
        long size = align(header().length);
        for (Tensor t : tensors.values()) {
            size += t.paddedBytes();
        }
        return size;
    }

    /** The whole file in memory: for small models. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(Channels.newChannel(out));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * Writes the file, streaming: the header, then each tensor encoded a chunk at a time. It is written next to
     * {@code file} and moved into place when complete, so that an interrupted write leaves no partial model there.
     */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, file.getFileName() + ".", ".partial");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                writeTo(channel);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private void writeTo(WritableByteChannel channel) throws IOException {
        byte[] header = header();
        drain(channel, ByteBuffer.wrap(header).position(header.length)); // drain flips
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        pad(buffer, align(header.length) - header.length);
        drain(channel, buffer);
        float[] values = new float[CHUNK];
        for (Tensor t : tensors.values()) {
            for (long start = 0; start < t.elements(); start += CHUNK) {
                int n = (int) Math.min(CHUNK, t.elements() - start);
                for (int i = 0; i < n; i++) {
                    values[i] = t.values().at(start + i);
                }
                encode(t.type(), values, n, buffer);
                drain(channel, buffer);
            }
            pad(buffer, t.paddedBytes() - t.bytes());
            drain(channel, buffer);
        }
    }

    private static void encode(Type type, float[] values, int n, ByteBuffer out) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(values[i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.putShort(HalfFloat.fromFloat(values[i]));
                }
            }
            case Q8_0 -> {
                for (int block = 0; block < n; block += 32) {
                    float max = 0f;
                    for (int i = block; i < block + 32; i++) {
                        max = Math.max(max, Math.abs(values[i]));
                    }
                    float d = max / 127f;
                    float inverse = d == 0f ? 0f : 1f / d;
                    out.putShort(HalfFloat.fromFloat(d));
                    for (int i = block; i < block + 32; i++) {
                        float x = values[i] * inverse;
                        out.put((byte) (x < 0 ? -Math.floor(-x + 0.5f) : Math.floor(x + 0.5f))); // C's roundf
                    }
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < n; block += 32) {
                    float amax = 0f;
                    float max = 0f;
                    for (int i = block; i < block + 32; i++) {
                        if (Math.abs(values[i]) > amax) {
                            amax = Math.abs(values[i]);
                            max = values[i];
                        }
                    }
                    float d = max / -8f;
                    float inverse = d == 0f ? 0f : 1f / d;
                    out.putShort(HalfFloat.fromFloat(d));
                    for (int j = 0; j < 16; j++) {
                        int low = Math.min(15, (int) (values[block + j] * inverse + 8.5f)); // C's (int8_t) cast
                        int high = Math.min(15, (int) (values[block + 16 + j] * inverse + 8.5f));
                        out.put((byte) (low | (high << 4)));
                    }
                }
            }
        }
    }

    private byte[] header() {
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
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            string(out, t.getKey());
            u32(out, t.getValue().shape().length);
            for (long d : t.getValue().shape()) {
                u64(out, d);
            }
            u32(out, t.getValue().type().id());
            u64(out, offset);
            offset += t.getValue().paddedBytes();
        }
        return out.toByteArray();
    }

    private static void drain(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static void pad(ByteBuffer buffer, long bytes) {
        for (long i = 0; i < bytes; i++) {
            buffer.put((byte) 0);
        }
    }

    private static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static long elements(long[] shape) {
        long elements = 1;
        for (long d : shape) {
            elements = Math.multiplyExact(elements, d);
        }
        return elements;
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
