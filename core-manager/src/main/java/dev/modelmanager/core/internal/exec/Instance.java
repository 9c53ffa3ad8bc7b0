package dev.modelmanager.core.internal.exec;

import dev.modelmanager.api.spi.LoadedModel;

/**
 * One loaded instance of a model in a {@link WorkerPool}: the provider's model, the device it runs on, and how many
 * of the pool's calls it runs now.
 */
public final class Instance {
    private final String id;
    private final LoadedModel model;
    private final String device;
    private final Runnable onClosed;
    /** Calls running on it now; guarded by its pool's lock. */
    int busy;
    /** When it last became idle ({@link System#nanoTime()}); guarded by its pool's lock. */
    long idleSince = System.nanoTime();

    /**
     * @param onClosed runs once, after the model was closed (gives its memory back to the budget)
     */
    public Instance(String id, LoadedModel model, Runnable onClosed) {
        this.id = id;
        this.model = model;
        this.device = model.device();
        this.onClosed = onClosed;
    }

    public String id() {
        return id;
    }

    public String device() {
        return device;
    }

    public LoadedModel model() {
        return model;
    }

    /** The memory the provider says it uses, or -1. Provider code: never call it under a lock. */
    public long memoryBytes() {
        try {
            return model.memoryBytes();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Runs the instance's close hook (the memory it held goes back); called once the model's close returned. */
    public void closed() {
        onClosed.run();
    }
}
