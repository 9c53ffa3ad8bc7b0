package dev.modelmanager.core.internal.inference;

import java.util.List;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.ChatModel;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.Text2TextModel;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.lifecycle.Capabilities;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;

/**
 * One kind of call: what it is named in messages, the model types it is meant for, and the SPI capability it needs
 * of a loaded instance.
 *
 * @param name       what is asked, for messages ("embed", "chat", ...)
 * @param allowed    the model types it is meant for; others are refused unless their loaded instance happens to
 *                   offer {@code capability}
 * @param capability the SPI interface the call needs
 */
record Operation<C>(String name, List<ModelType> allowed, Class<C> capability) {
    static final Operation<EmbeddingModel> EMBED = new Operation<>("embed", List.of(ModelType.EMBEDDING),
        EmbeddingModel.class);
    static final Operation<GenerationModel> GENERATE = new Operation<>("generate", List.of(ModelType.TEXT_GENERATION),
        GenerationModel.class);
    static final Operation<ChatModel> CHAT = new Operation<>("chat", List.of(ModelType.TEXT_GENERATION),
        ChatModel.class);
    static final Operation<Text2TextModel> TRANSFORM = new Operation<>("transform", List.of(ModelType.TEXT2TEXT),
        Text2TextModel.class);
    static final Operation<ClassificationModel> CLASSIFY = new Operation<>("classify",
        List.of(ModelType.CLASSIFICATION), ClassificationModel.class);

    /** Refuses at once a call a model of another type cannot serve. */
    void check(ModelEntry entry) {
        ModelType type = entry.requirement().modelType();
        if (!allowed.contains(type)) {
            WorkerPool pool = entry.state().pool();
            if (pool == null || !capability.isInstance(pool.model())) {
                throw new ModelException(ErrorCode.CAPABILITY_MISSING, entry.id(),
                    "this " + type + " model cannot " + name);
            }
        }
    }

    /** The instance's model as the capability, or {@code CAPABILITY_MISSING}. */
    C view(ModelEntry entry, LoadedModel model) {
        return Capabilities.require(entry.id(), entry.requirement().modelType(), model, capability, name);
    }
}
