package dev.modelmanager.provider.llamacpp.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/**
 * What a GGUF model needs once loaded: its weights, the KV cache
 * (2 × layers × context × KV width × 2 bytes for f16, for every slot's context) and a fixed overhead for compute
 * buffers and the server, measured on this project's test model.
 */
record MemoryEstimate(long weights, long kvCache, long overhead) {
    /**
     * Compute buffers and bookkeeping beyond weights and KV cache: 29 MiB measured on stories260K with 4 slots of
     * 2048 (resident 35.6 MiB after load, weights 1.2 MiB, KV cache 5.0 MiB). It grows with batch size and
     * vocabulary, so larger models will see a larger error; the measured value is reported next to the estimate.
     */
    static final long OVERHEAD = 29L << 20;

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\..*");

    /**
     * A model's memory when {@code gpuLayers} of its layers run on a GPU: on the device, the weights of the layers
     * llama.cpp offloads (the last {@code gpuLayers} blocks, and the output layer once {@code gpuLayers} exceeds the
     * block count), their share of the KV cache and compute buffers; in host memory, the rest (the token embeddings
     * always stay there) and the server's own overhead.
     */
    record Split(long device, long host) {
    }

    static MemoryEstimate of(GgufFile gguf, int contextPerSlot, int slots) {
        long kv = 2L * gguf.layers() * (long) contextPerSlot * slots * gguf.kvEmbeddingLength() * 2L;
        return new MemoryEstimate(gguf.weightBytes(), kv, OVERHEAD);
    }

    long total() {
        return weights + kvCache + overhead;
    }

    /** As {@link Split} says, for {@code gpuLayers} offloaded (0: everything in host memory). */
    static Split split(GgufFile gguf, int contextPerSlot, int slots, int gpuLayers) {
        MemoryEstimate whole = of(gguf, contextPerSlot, slots);
        long blocks = Math.max(0, gguf.layers());
        long offloaded = Math.min(blocks, Math.max(0, gpuLayers));
        if (offloaded == 0 && gpuLayers <= blocks) {
            return new Split(0, whole.total());
        }
        boolean output = gpuLayers > blocks;
        long firstOnGpu = blocks - offloaded;
        long onGpu = 0;
        for (TensorBytes t : tensorBytes(gguf)) {
            Matcher block = BLOCK.matcher(t.name());
            boolean gpu = block.matches() ? Long.parseLong(block.group(1)) >= firstOnGpu
                : output && (t.name().startsWith("output.") || t.name().startsWith("output_norm."));
            if (gpu) {
                onGpu += t.bytes();
            }
        }
        long kvOnGpu = blocks == 0 ? 0 : whole.kvCache() * offloaded / blocks;
        return new Split(onGpu + kvOnGpu + OVERHEAD,
            whole.weights() - onGpu + whole.kvCache() - kvOnGpu + OVERHEAD);
    }

    private record TensorBytes(String name, long bytes) {
    }

    /** Each tensor's bytes, from where the next one starts (the last one ends with the data). */
    private static List<TensorBytes> tensorBytes(GgufFile gguf) {
        List<GgufFile.TensorInfo> sorted = new ArrayList<>(gguf.tensors());
        sorted.sort(Comparator.comparingLong(GgufFile.TensorInfo::offset));
        List<TensorBytes> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            long end = i + 1 < sorted.size() ? sorted.get(i + 1).offset() : gguf.weightBytes();
            out.add(new TensorBytes(sorted.get(i).name(), Math.max(0, end - sorted.get(i).offset())));
        }
        return out;
    }
}
