package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What an ONNX file says about itself, read without loading it. */
final class OnnxGraphs {
    /** The operator of dynamic quantization: it computes an activation's scale from the whole input tensor. */
    static final String DYNAMIC_QUANTIZE = "DynamicQuantizeLinear";

    private OnnxGraphs() {
    }

    /**
     * Whether the graph quantizes activations dynamically (int8 models made with {@code quantize_dynamic}, such
     * as the quantized MiniLM and bge of LangChain4j): its nodes name the operator {@value #DYNAMIC_QUANTIZE},
     * which the protobuf stores as plain text.
     */
    static boolean dynamicallyQuantized(Path file) throws IOException {
        return contains(file, DYNAMIC_QUANTIZE.getBytes(StandardCharsets.US_ASCII));
    }

    static boolean contains(Path file, byte[] needle) throws IOException {
        byte[] buffer = new byte[1 << 20];
        int carry = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(buffer, carry, buffer.length - carry)) > 0; ) {
                int end = carry + read;
                if (indexOf(buffer, end, needle) >= 0) {
                    return true;
                }
                carry = Math.min(needle.length - 1, end);
                System.arraycopy(buffer, end - carry, buffer, 0, carry);
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
