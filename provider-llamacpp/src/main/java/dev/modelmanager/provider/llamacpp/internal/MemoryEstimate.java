package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/**
 * What a GGUF model needs once loaded: its weights, the KV cache
 * (2 × layers × context × KV width × 2 bytes for f16, for every slot's context) and a fixed overhead for compute
 * buffers and the server, measured on this project's test model.
 */
record MemoryEstimate(long weights, long kvCache, long overhead) {
    /** Compute buffers and bookkeeping beyond weights and KV cache, measured (see the module README). */
    static final long OVERHEAD = 48L << 20;

    static MemoryEstimate of(GgufFile gguf, int contextPerSlot, int slots) {
        long kv = 2L * gguf.layers() * (long) contextPerSlot * slots * gguf.kvEmbeddingLength() * 2L;
        return new MemoryEstimate(gguf.weightBytes(), kv, OVERHEAD);
    }

    long total() {
        return weights + kvCache + overhead;
    }
}
