package dev.modelmanager.core.internal.handle;

import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.ModelManager;

final class EmbeddingHandle extends ModelHandle implements EmbeddingModelRef {
    EmbeddingHandle(ModelManager manager, String modelId, String requester, Runnable onClose) {
        super(manager, modelId, requester, onClose);
    }

    @Override
    public EmbeddingResult embed(List<String> texts) {
        open();
        return manager.embed(modelId, texts);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(List<String> texts) {
        open();
        return manager.embedAsync(modelId, texts);
    }

    @Override
    public EmbeddingResult embed(List<String> texts, EmbeddingOptions options) {
        open();
        return manager.embed(modelId, texts, options);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(List<String> texts, EmbeddingOptions options) {
        open();
        return manager.embedAsync(modelId, texts, options);
    }

    @Override
    public RerankResult rerank(String query, List<String> documents) {
        open();
        return manager.rerank(modelId, query, documents);
    }

    @Override
    public ClassificationResult classifyZeroShot(List<String> texts, List<String> candidateLabels) {
        open();
        return manager.classifyZeroShot(modelId, texts, candidateLabels);
    }
}
