package dev.modelmanager.core.internal.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.spi.LoadedModel;

/**
 * One loaded instance of a model in a {@link WorkerPool}: the provider's model, the device it runs on, and how many
 * of the pool's calls it runs now.
 */
public final class Instance {
    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

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

    /**
     * Closes the provider's model on this thread (provider code: never under a lock; see {@code ProviderCalls} for
     * a close bounded in time), then runs the close hook, which gives the memory it held back.
     */
    public void close() {
        try {
            model.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing instance {} failed", id, e);
        } finally {
            onClosed.run();
        }
    }
}
