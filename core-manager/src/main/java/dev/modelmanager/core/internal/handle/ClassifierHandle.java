package dev.modelmanager.core.internal.handle;

import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.api.ClassifierRef;
import dev.modelmanager.api.ModelManager;

final class ClassifierHandle extends ModelHandle implements ClassifierRef {
    ClassifierHandle(ModelManager manager, String modelId, String requester, Runnable onClose) {
        super(manager, modelId, requester, onClose);
    }

    @Override
    public ClassificationResult classify(List<String> texts) {
        open();
        return manager.classify(modelId, texts);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyAsync(List<String> texts) {
        open();
        return manager.classifyAsync(modelId, texts);
    }

    @Override
    public ClassificationResult classifyPairs(List<TextPair> pairs) {
        open();
        return manager.classifyPairs(modelId, pairs);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyPairsAsync(List<TextPair> pairs) {
        open();
        return manager.classifyPairsAsync(modelId, pairs);
    }

    @Override
    public RerankResult rerank(String query, List<String> documents) {
        open();
        return manager.rerank(modelId, query, documents);
    }
}
