package dev.modelmanager.provider.llamacpp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a llama.cpp library folder ({@code native.library.path}) holds a CUDA build: a {@code libggml-cuda} library
 * beside {@code libjllama} (a build with shared ggml libraries), else {@code ggml_backend_cuda} in the bytes of a
 * {@code jllama} library (a static build carries the CUDA backend's symbols) or {@code libggml-cuda} among them (its
 * dependency's name). Read once per file (path, size, modification time), streaming through a small buffer.
 */
final class CudaNative {
    private static final byte[][] MARKS = {
        "ggml_backend_cuda".getBytes(StandardCharsets.US_ASCII), "libggml-cuda".getBytes(StandardCharsets.US_ASCII)};
    private static final Map<String, Boolean> SEEN = new ConcurrentHashMap<>();

    private CudaNative() {
    }

    /** Whether the folder's llama.cpp libraries have the CUDA backend; false when there is no such library. */
    static boolean in(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            boolean found = false;
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith("libggml-cuda") || name.startsWith("ggml-cuda")) {
                    return true;
                }
                if (name.contains("jllama") && Files.isRegularFile(file)) {
                    found |= marked(file);
                }
            }
            return found;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the file's bytes contain one of the marks (checked once per path, size and modification time). */
    static boolean marked(Path file) {
        try {
            String key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
            return SEEN.computeIfAbsent(key, k -> scan(file));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean scan(Path file) {
        int longest = 0;
        for (byte[] mark : MARKS) {
            longest = Math.max(longest, mark.length);
        }
        byte[] buffer = new byte[1 << 16];
        int kept = 0; // bytes carried over from the previous read, so that a mark across two reads is found
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer, kept, buffer.length - kept)) > 0) {
                int end = kept + read;
                for (byte[] mark : MARKS) {
                    if (indexOf(buffer, end, mark)) {
                        return true;
                    }
                }
                kept = Math.min(longest - 1, end);
                System.arraycopy(buffer, end - kept, buffer, 0, kept);
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean indexOf(byte[] data, int end, byte[] mark) {
        outer:
        for (int i = 0; i + mark.length <= end; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (data[i + j] != mark[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
