package dev.modelmanager.provider.llamacpp.internal;

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

    static MemoryEstimate of(GgufFile gguf, int contextPerSlot, int slots) {
        long kv = 2L * gguf.layers() * (long) contextPerSlot * slots * gguf.kvEmbeddingLength() * 2L;
        return new MemoryEstimate(gguf.weightBytes(), kv, OVERHEAD);
    }

    long total() {
        return weights + kvCache + overhead;
    }
}
