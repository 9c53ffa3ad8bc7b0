package dev.modelmanager.core.internal.handle;

import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.Text2TextRef;
import dev.modelmanager.api.TransformResult;

final class Text2TextHandle extends ModelHandle implements Text2TextRef {
    Text2TextHandle(ModelManager manager, String modelId, String requester, Runnable onClose) {
        super(manager, modelId, requester, onClose);
    }

    @Override
    public TransformResult transform(List<String> inputs, GenerationOptions options) {
        open();
        return manager.transform(modelId, inputs, options);
    }

    @Override
    public CompletionStage<TransformResult> transformAsync(List<String> inputs, GenerationOptions options) {
        open();
        return manager.transformAsync(modelId, inputs, options);
    }
}
