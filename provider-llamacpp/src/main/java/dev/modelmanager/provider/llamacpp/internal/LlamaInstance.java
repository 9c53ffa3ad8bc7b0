package dev.modelmanager.provider.llamacpp.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import de.kherud.llama.LlamaModel;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/**
 * One loaded GGUF model. Calls run under a read lock and {@link #close()} takes the write lock, so that native
 * memory is never freed while a call is inside it (that would crash the JVM, not throw).
 */
abstract class LlamaInstance implements LoadedModel {
    protected final LlamaModel model;
    protected final GgufFile gguf;
    protected final String modelId;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final long measuredBytes;
    private final MemoryEstimate estimate;
    private final Map<String, String> details;
    private volatile boolean closed;

    private final Runnable release;

    /**
     * @param release gives the native model back when this instance closes (to the pool, or closing it)
     */
    LlamaInstance(String modelId, LlamaModel model, GgufFile gguf, long measuredBytes, MemoryEstimate estimate,
                  Map<String, String> facts, Runnable release) {
        this.modelId = modelId;
        this.release = release;
        this.model = model;
        this.gguf = gguf;
        this.measuredBytes = measuredBytes;
        this.estimate = estimate;
        Map<String, String> d = new LinkedHashMap<>(facts);
        d.put("memory.estimated", Long.toString(estimate.total()));
        d.put("memory.measured", Long.toString(measuredBytes));
        if (measuredBytes > 0) {
            d.put("memory.estimate.error", String.format(java.util.Locale.ROOT, "%+.1f%%",
                100.0 * (estimate.total() - measuredBytes) / measuredBytes));
        }
        this.details = Map.copyOf(d);
    }

    @FunctionalInterface
    interface NativeCall<T> {
        T run() throws Exception;
    }

    /** Runs a call on the native model, unless it is closed. */
    protected <T> T call(NativeCall<T> work) throws Exception {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new ModelException(ErrorCode.NOT_LOADED, modelId, "the llama.cpp model is closed");
            }
            return work.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The device in the facts ({@code cuda:N} for a model on a GPU), else the CPU. */
    @Override
    public String device() {
        return details.getOrDefault("device", "cpu");
    }

    @Override
    public long memoryBytes() {
        return measuredBytes > 0 ? measuredBytes : estimate.total();
    }

    @Override
    public Map<String, String> details() {
        return details;
    }

    MemoryEstimate estimate() {
        return estimate;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release.run();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
