package dev.modelmanager.provider.llamacpp.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

/**
 * Keeps closed llama.cpp models for reuse. java-llama.cpp's {@code close()} leaves the model's server thread
 * behind, and with it the model's native memory (measured: about the whole resident size, plus a thread, per
 * load/unload cycle). Parking the instance instead, and handing it to the next load of the same file with the
 * same parameters, keeps reload cycles in a long-running framework from piling up: at most {@code capacity}
 * instances are parked, the least recently parked one is really closed when more arrive.
 */
final class NativeModelPool {
    private static final Logger LOG = LoggerFactory.getLogger(NativeModelPool.class);

    /** What makes two loads interchangeable: the same file (by path, size and time) and the same parameters. */
    record Key(Path file, long size, long modified, String parameters) {
        static Key of(Path file, ModelParameters parameters) throws IOException {
            return new Key(file.toAbsolutePath().normalize(), Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                String.join(" ", parameters.toArray()));
        }
    }

    private final int capacity;
    private final Map<Key, LlamaModel> parked = new LinkedHashMap<>();

    NativeModelPool(int capacity) {
        this.capacity = Math.max(0, capacity);
    }

    /** A parked model for this key, taken out of the pool, or {@code null}. */
    synchronized LlamaModel take(Key key) {
        return parked.remove(key);
    }

    /** Parks a model its user is done with, or closes it when parking is off. */
    void release(Key key, LlamaModel model) {
        LlamaModel evicted = null;
        synchronized (this) {
            if (capacity == 0 || parked.containsKey(key)) {
                evicted = model;
            } else {
                parked.put(key, model);
                if (parked.size() > capacity) {
                    Iterator<Map.Entry<Key, LlamaModel>> oldest = parked.entrySet().iterator();
                    evicted = oldest.next().getValue();
                    oldest.remove();
                }
            }
        }
        if (evicted != null) {
            LOG.debug("Closing a llama.cpp model (java-llama.cpp leaves its native thread behind)");
            evicted.close();
        }
    }

    synchronized int size() {
        return parked.size();
    }

    /** Closes every parked model (the provider is going away). */
    void closeAll() {
        Map<Key, LlamaModel> all;
        synchronized (this) {
            all = new LinkedHashMap<>(parked);
            parked.clear();
        }
        all.values().forEach(LlamaModel::close);
    }
}
