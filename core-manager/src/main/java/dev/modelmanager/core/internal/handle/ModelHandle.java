package dev.modelmanager.core.internal.handle;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;

/**
 * A handle: calls go to the manager (the view of whoever took the handle) by model id; closing it gives its
 * reference back once.
 */
class ModelHandle implements ModelRef {
    protected final ModelManager manager;
    protected final String modelId;
    private final String requester;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelHandle(ModelManager manager, String modelId, String requester, Runnable onClose) {
        this.manager = manager;
        this.modelId = modelId;
        this.requester = requester;
        this.onClose = onClose;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public String requester() {
        return requester;
    }

    @Override
    public ModelInfo info() {
        return manager.info(modelId);
    }

    /** Refuses calls on a closed handle: its reference is gone. */
    protected final void open() {
        if (closed.get()) {
            throw new ModelException(ErrorCode.NOT_REGISTERED, modelId, "this handle was closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + modelId + " as " + requester + (closed.get() ? ", closed]" : "]");
    }
}
