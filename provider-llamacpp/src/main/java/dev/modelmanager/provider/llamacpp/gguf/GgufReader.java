package dev.modelmanager.provider.llamacpp.gguf;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a GGUF file (versions 1 to 3, little-endian): magic, version, metadata and tensor infos.
 * Reads only the header, never the weights, and refuses anything that is not a whole GGUF header with a
 * {@link GgufFormatException} saying what is wrong.
 */
public final class GgufReader {
    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    /** Sanity bounds: a header asking for more is corrupt, not big. */
    private static final long MAX_ITEMS = 1L << 24;
    private static final long MAX_STRING = 1L << 26;

    private final DataInputStream in;
    private final long fileSize;
    private int version;
    private long position;

    private GgufReader(InputStream in, long fileSize) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        this.fileSize = fileSize;
    }

    /**
     * @throws GgufFormatException when the file is not GGUF or its header is cut short or corrupt
     * @throws IOException         when it cannot be read at all (missing, a folder, no permission)
     */
    public static GgufFile read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new GgufFormatException(file + " is a folder, not a GGUF file");
        }
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such GGUF file");
        }
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            return new GgufReader(in, size).parse(file);
        }
    }

    private GgufFile parse(Path file) throws IOException {
        try {
            int magic = u32();
            if (magic != MAGIC) {
                throw new GgufFormatException(file + " is not a GGUF file (it starts with "
                    + String.format("0x%08x", Integer.reverseBytes(magic)) + ", not \"GGUF\")");
            }
            version = u32();
            if (version < 1 || version > 3) {
                throw new GgufFormatException(file + ": unsupported GGUF version " + version);
            }
            long tensorCount = count("tensor count");
            long kvCount = count("metadata count");
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string();
                metadata.put(key, value(u32(), key));
            }
            List<GgufFile.TensorInfo> tensors = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = string();
                int dims = u32();
                if (dims < 0 || dims > 8) {
                    throw new GgufFormatException(file + ": tensor " + name + " has " + dims + " dimensions");
                }
                long[] shape = new long[dims];
                for (int d = 0; d < dims; d++) {
                    shape[d] = version == 1 ? Integer.toUnsignedLong(u32()) : u64();
                }
                tensors.add(new GgufFile.TensorInfo(name, shape, u32(), u64()));
            }
            long alignment = metadata.get("general.alignment") instanceof Number n ? n.longValue() : 32;
            long dataOffset = alignment > 0 ? (position + alignment - 1) / alignment * alignment : position;
            if (dataOffset > fileSize) {
                throw new GgufFormatException(file + " is truncated: its header ends at byte " + position
                    + " but the file has " + fileSize);
            }
            GgufFile gguf = new GgufFile(version, metadata, tensors, dataOffset, fileSize);
            long needed = tensors.stream().mapToLong(GgufFile.TensorInfo::offset).max().orElse(0);
            if (dataOffset + needed > fileSize) {
                throw new GgufFormatException(file + " is truncated: its tensors reach past byte " + fileSize);
            }
            return gguf;
        } catch (EOFException e) {
            throw new GgufFormatException(file + " is truncated: the GGUF header ends at byte " + position
                + " of " + fileSize);
        }
    }

    private long count(String what) throws IOException {
        long n = version == 1 ? Integer.toUnsignedLong(u32()) : u64();
        if (n < 0 || n > MAX_ITEMS) {
            throw new GgufFormatException("corrupt GGUF header: " + what + " " + Long.toUnsignedString(n));
        }
        return n;
    }

    private Object value(int type, String key) throws IOException {
        return switch (type) {
            case 0 -> (long) (i8() & 0xff);
            case 1 -> (long) i8();
            case 2 -> (long) (i16() & 0xffff);
            case 3 -> (long) i16();
            case 4 -> Integer.toUnsignedLong(u32());
            case 5 -> (long) u32();
            case 6 -> Float.intBitsToFloat(u32());
            case 7 -> i8() != 0;
            case 8 -> string();
            case 9 -> array(key);
            case 10, 11 -> u64();
            case 12 -> Double.longBitsToDouble(u64());
            default -> throw new GgufFormatException("corrupt GGUF header: key " + key + " has unknown type " + type);
        };
    }

    private List<Object> array(String key) throws IOException {
        int type = u32();
        long n = count("array length of " + key);
        List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (long i = 0; i < n; i++) {
            values.add(value(type, key));
        }
        return values;
    }

    private byte i8() throws IOException {
        byte v = in.readByte();
        position += 1;
        return v;
    }

    private short i16() throws IOException {
        short v = Short.reverseBytes(in.readShort());
        position += 2;
        return v;
    }

    private String string() throws IOException {
        long length = version == 1 ? Integer.toUnsignedLong(u32()) : u64();
        if (length < 0 || length > MAX_STRING || length > fileSize) {
            throw new GgufFormatException("corrupt GGUF header: a string of " + Long.toUnsignedString(length) + " bytes");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        position += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int u32() throws IOException {
        int v = Integer.reverseBytes(in.readInt());
        position += 4;
        return v;
    }

    private long u64() throws IOException {
        long v = Long.reverseBytes(in.readLong());
        position += 8;
        return v;
    }
}
