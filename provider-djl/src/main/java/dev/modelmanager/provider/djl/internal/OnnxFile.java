package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outline of an ONNX file, read in Java without ONNX Runtime and without reading the weights: the protobuf
 * structure of the {@code ModelProto} is walked field by field (weights and other large fields are skipped by their
 * length), which refuses what is not an ONNX model, a file cut short, and a structure that does not hold together,
 * and yields the graph's inputs and outputs with their shapes. A change inside the weights' bytes is not seen (ONNX
 * Runtime does not see it either).
 *
 * @param irVersion    the file's {@code ir_version}
 * @param inputs       the main graph's inputs
 * @param outputs      the main graph's outputs
 * @param externalData the files its tensors keep their data in ({@code location} of external data), if any
 */
record OnnxFile(long irVersion, List<Value> inputs, List<Value> outputs, Set<String> externalData) {

    /**
     * A graph input or output.
     *
     * @param name  its name
     * @param shape its dimensions, -1 where symbolic (a batch or sequence axis); empty when not declared
     */
    record Value(String name, List<Long> shape) {
        int rank() {
            return shape.size();
        }
    }

    /** The file is not an ONNX model, or not a whole one; the message says why, naming no byte of it. */
    static final class FormatException extends IOException {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    OnnxFile {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        externalData = Set.copyOf(externalData);
    }

    Optional<Value> output(String name) {
        return outputs.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    boolean hasInput(String name) {
        return inputs.stream().anyMatch(v -> v.name().equals(name));
    }

    boolean hasOutput(String name) {
        return output(name).isPresent();
    }

    /**
     * Reads the outline of {@code file}.
     *
     * @throws FormatException when it is not an ONNX model, is cut short or its structure is broken
     * @throws IOException     when it cannot be read at all
     */
    static OnnxFile read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new OnnxWalker(channel).model();
        }
    }
}
