package dev.modelmanager.core.internal.lifecycle;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.Text2TextModel;

/** Which capability interface each model type needs, and the checks made on a freshly loaded instance. */
public final class Capabilities {
    private Capabilities() {
    }

    /** The interface a loaded model of this type must implement. */
    public static Class<? extends LoadedModel> of(ModelType type) {
        return switch (type) {
            case EMBEDDING -> EmbeddingModel.class;
            case TEXT_GENERATION -> GenerationModel.class;
            case TEXT2TEXT -> Text2TextModel.class;
            case CLASSIFICATION -> ClassificationModel.class;
        };
    }

    /** Refuses an instance that cannot do what its requirement says, or produces the wrong dimension. */
    public static void checkLoaded(String modelId, ModelRequirement requirement, LoadedModel model) {
        if (model == null) {
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "the provider returned no model");
        }
        Class<? extends LoadedModel> needed = of(requirement.modelType());
        if (!needed.isInstance(model)) {
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "the provider loaded a "
                + model.getClass().getSimpleName() + ", which is not a " + needed.getSimpleName());
        }
        if (model instanceof EmbeddingModel embedding && requirement.dimension() != null
            && embedding.dimension() != requirement.dimension()) {
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "dimension", "the requirement says dimension "
                + requirement.dimension() + " but the model produces " + embedding.dimension(), null);
        }
    }

    /**
     * The worker's model as {@code capability}, or {@link ErrorCode#CAPABILITY_MISSING} naming what was asked.
     */
    public static <T> T require(String modelId, ModelType type, LoadedModel model, Class<T> capability, String operation) {
        if (capability.isInstance(model)) {
            return capability.cast(model);
        }
        throw new ModelException(ErrorCode.CAPABILITY_MISSING, modelId,
            "this " + type + " model cannot " + operation);
    }
}
