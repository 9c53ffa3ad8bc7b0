package dev.modelmanager.langchain4j;

import dev.modelmanager.api.ModelRef;

/**
 * What the three adapters share: the handle their calls go through, whether closing them releases its reference,
 * and the model's name, asked once.
 */
abstract class ManagedModel<H extends ModelRef> implements AutoCloseable {
    private final H handle;
    private final boolean owned;
    private volatile String modelName;

    ManagedModel(H handle, boolean owned) {
        this.handle = handle;
        this.owned = owned;
    }

    /** The handle the calls go through. */
    public H handle() {
        return handle;
    }

    /** The model's name (its requirement's {@code name}, e.g. a Hub repository). */
    public String modelName() {
        String name = modelName;
        if (name == null) {
            name = handle.info().name();
            modelName = name;
        }
        return name;
    }

    /** Releases the reference this adapter holds, if it holds one (see {@link ManagedModels}). */
    @Override
    public void close() {
        if (owned) {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + handle.modelId() + "]";
    }
}
