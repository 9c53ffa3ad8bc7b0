package dev.modelmanager.core.internal.handle;

import java.util.Map;

import dev.modelmanager.api.ClassifierRef;
import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.Text2TextRef;

/** Makes the typed handle a model type serves. */
public final class Handles {
    private static final Map<ModelType, Class<? extends ModelRef>> BY_TYPE = Map.of(
        ModelType.EMBEDDING, EmbeddingModelRef.class,
        ModelType.TEXT_GENERATION, GeneratorRef.class,
        ModelType.CLASSIFICATION, ClassifierRef.class,
        ModelType.TEXT2TEXT, Text2TextRef.class);

    private Handles() {
    }

    /** The handle interface of a model type (what its model service is published as). */
    public static Class<? extends ModelRef> typeOf(ModelType type) {
        return BY_TYPE.get(type);
    }

    /**
     * Checks that a model of {@code type} has a handle of class {@code handle}.
     *
     * @throws ModelException {@link ErrorCode#CAPABILITY_MISSING} naming both
     */
    public static void check(String modelId, ModelType type, Class<? extends ModelRef> handle) {
        if (handle != ModelRef.class && handle != BY_TYPE.get(type)) {
            throw new ModelException(ErrorCode.CAPABILITY_MISSING, modelId, "handle", "this " + type + " model has "
                + "no " + handle.getSimpleName() + "; its handle is " + BY_TYPE.get(type).getSimpleName(), null);
        }
    }

    /**
     * A handle on {@code modelId} calling through {@code manager}; {@code onClose} gives its reference back.
     *
     * @param type the model's type: the handle is the one it serves ({@link ModelRef} asks for that one too)
     */
    public static <R extends ModelRef> R of(Class<R> handle, ModelType type, ModelManager manager, String modelId,
                                            String requester, Runnable onClose) {
        check(modelId, type, handle);
        ModelRef ref = switch (type) {
            case EMBEDDING -> new EmbeddingHandle(manager, modelId, requester, onClose);
            case TEXT_GENERATION -> new GeneratorHandle(manager, modelId, requester, onClose);
            case CLASSIFICATION -> new ClassifierHandle(manager, modelId, requester, onClose);
            case TEXT2TEXT -> new Text2TextHandle(manager, modelId, requester, onClose);
        };
        return handle.cast(ref);
    }
}
