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
 * Reads only the header, never the weights, and refuses anything that is not a whole GGUF file with a
 * {@link GgufFormatException} saying what is wrong: not GGUF, a header cut short or corrupt, tensor data that would
 * reach past the end of the file (for the tensor types whose sizes it knows). Its messages name the file by its
 * name only and quote nothing of its content (no bytes, keys or tensor names), so that they can be shown to whoever
 * named the file.
 */
public final class GgufReader {
    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    /** Sanity bounds: a header asking for more is corrupt, not big. */
    private static final long MAX_ITEMS = 1L << 24;
    private static final long MAX_STRING = 1L << 26;
    private static final long MAX_DIMENSION = 1L << 40;

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
            throw new GgufFormatException(name(file) + " is a folder, not a GGUF file");
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
        String name = name(file);
        try {
            if (u32() != MAGIC) {
                throw new GgufFormatException(name + " is not a GGUF file (it does not start with \"GGUF\")");
            }
            version = u32();
            if (version < 1 || version > 3) {
                throw new GgufFormatException(name + " is a GGUF file of a version this reader does not know ("
                    + (version > 3 && version < 100 ? version : "not 1 to 3") + ")");
            }
            long tensorCount = count(name, "its tensor count");
            long kvCount = count(name, "its metadata count");
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string(name);
                metadata.put(key, value(u32(), name, i));
            }
            List<GgufFile.TensorInfo> tensors = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                String tensor = string(name);
                int dims = u32();
                if (dims < 0 || dims > 8) {
                    throw new GgufFormatException(name + " is corrupt: tensor #" + i + " has an impossible shape");
                }
                long[] shape = new long[dims];
                for (int d = 0; d < dims; d++) {
                    shape[d] = version == 1 ? Integer.toUnsignedLong(u32()) : u64();
                    if (shape[d] < 0 || shape[d] > MAX_DIMENSION) {
                        throw new GgufFormatException(name + " is corrupt: tensor #" + i + " has an impossible shape");
                    }
                }
                tensors.add(new GgufFile.TensorInfo(tensor, shape, u32(), u64()));
            }
            long alignment = metadata.get("general.alignment") instanceof Number n ? n.longValue() : 32;
            if (alignment < 1 || alignment > 1 << 16) {
                throw new GgufFormatException(name + " is corrupt: its general.alignment is impossible");
            }
            long dataOffset = (position + alignment - 1) / alignment * alignment;
            if (dataOffset > fileSize) {
                throw new GgufFormatException(name + " is truncated: its header ends at byte " + position
                    + " but the file has " + fileSize);
            }
            checkData(name, tensors, alignment, fileSize - dataOffset);
            return new GgufFile(version, metadata, tensors, dataOffset, fileSize);
        } catch (EOFException e) {
            throw new GgufFormatException(name + " is truncated: the GGUF header ends at byte " + position
                + " of " + fileSize);
        }
    }

    /**
     * Every tensor starts inside the data and, where its type's size is known, ends inside it: a file cut short
     * (an interrupted download) is refused here rather than by llama.cpp.
     */
    private static void checkData(String name, List<GgufFile.TensorInfo> tensors, long alignment, long dataBytes)
        throws GgufFormatException {
        long end = 0;
        for (int i = 0; i < tensors.size(); i++) {
            GgufFile.TensorInfo t = tensors.get(i);
            if (t.offset() < 0 || t.offset() % alignment != 0) {
                throw new GgufFormatException(name + " is corrupt: tensor #" + i + " starts at a misaligned offset");
            }
            long bytes;
            try {
                long elements = 1;
                for (long d : t.shape()) {
                    elements = Math.multiplyExact(elements, d);
                }
                bytes = GgmlType.bytes(t.type(), t.shape().length == 0 ? 1 : t.shape()[0], elements);
            } catch (ArithmeticException e) {
                throw new GgufFormatException(name + " is corrupt: tensor #" + i + " has an impossible shape");
            } catch (GgufFormatException e) {
                throw new GgufFormatException(name + " is corrupt: tensor #" + i + " is not a whole number of "
                    + "blocks");
            }
            end = Math.max(end, t.offset() + Math.max(bytes, 0));
        }
        if (end > dataBytes) {
            throw new GgufFormatException(name + " is truncated: its tensors need " + end + " bytes of data but the "
                + "file holds " + dataBytes + " (an interrupted download?)");
        }
    }

    private long count(String name, String what) throws IOException {
        long n = version == 1 ? Integer.toUnsignedLong(u32()) : u64();
        if (n < 0 || n > MAX_ITEMS) {
            throw new GgufFormatException(name + " is corrupt: " + what + " is impossible");
        }
        return n;
    }

    /** How messages name a file: its name, not the folder it is in. */
    private static String name(Path file) {
        Path name = file.getFileName();
        return name == null ? "the file" : name.toString();
    }

    private Object value(int type, String name, long entry) throws IOException {
        return switch (type) {
            case 0 -> (long) (i8() & 0xff);
            case 1 -> (long) i8();
            case 2 -> (long) (i16() & 0xffff);
            case 3 -> (long) i16();
            case 4 -> Integer.toUnsignedLong(u32());
            case 5 -> (long) u32();
            case 6 -> Float.intBitsToFloat(u32());
            case 7 -> i8() != 0;
            case 8 -> string(name);
            case 9 -> array(name, entry);
            case 10, 11 -> u64();
            case 12 -> Double.longBitsToDouble(u64());
            default -> throw new GgufFormatException(name + " is corrupt: metadata entry #" + entry
                + " has an unknown value type");
        };
    }

    private List<Object> array(String name, long entry) throws IOException {
        int type = u32();
        long n = count(name, "the array length of metadata entry #" + entry);
        List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (long i = 0; i < n; i++) {
            values.add(value(type, name, entry));
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

    private String string(String name) throws IOException {
        long length = version == 1 ? Integer.toUnsignedLong(u32()) : u64();
        if (length < 0 || length > MAX_STRING || length > fileSize) {
            throw new GgufFormatException(name + " is corrupt: a string in its header is longer than the file");
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
