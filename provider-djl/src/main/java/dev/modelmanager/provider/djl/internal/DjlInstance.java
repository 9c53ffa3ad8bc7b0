package dev.modelmanager.provider.djl.internal;

import java.util.List;
import java.util.Map;

import dev.modelmanager.api.spi.LoadedModel;

/** A loaded ONNX model: its graphs and tokenizer, closed together. */
abstract class DjlInstance implements LoadedModel {
    private final List<AutoCloseable> resources;
    private final long bytes;
    private final Map<String, String> details;
    private final String device;

    DjlInstance(List<AutoCloseable> resources, long bytes, Map<String, String> details) {
        this.resources = resources;
        this.bytes = bytes;
        this.details = Map.copyOf(details);
        this.device = details.getOrDefault("device", "cpu");
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public long memoryBytes() {
        return bytes;
    }

    @Override
    public Map<String, String> details() {
        return details;
    }

    @Override
    public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // closing native resources must not fail the unload
            }
        }
    }
}
