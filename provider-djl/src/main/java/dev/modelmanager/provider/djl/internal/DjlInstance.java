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
    private final int concurrency;

    /** @param primary the graph whose device and compute budget stand for the instance's */
    DjlInstance(List<AutoCloseable> resources, OnnxModel primary, long bytes, Map<String, String> details) {
        this.resources = resources;
        this.concurrency = primary.runtime().runsAtOnce(primary.device(), primary.threads());
        this.bytes = bytes;
        this.details = Map.copyOf(details);
        this.device = details.getOrDefault("device", "cpu");
    }

    @Override
    public String device() {
        return device;
    }

    /**
     * Calls in flight to full effect. Batched models: the runs that fit the device's budget at once (one, for runs
     * as wide as the budget), so that callers' texts gather into batches while a run goes on. Models that run each
     * text alone: twice that, so that a call's tokenizing and pooling overlap another's run (the permits still hold
     * the runs to the budget).
     */
    @Override
    public int concurrency() {
        return batchPolicy() == dev.modelmanager.api.spi.BatchPolicy.PER_CALL ? 2 * concurrency : concurrency;
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
