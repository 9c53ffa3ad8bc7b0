package dev.modelmanager.core.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.api.TransformResult;
import dev.modelmanager.core.internal.inference.Inference;

/**
 * The inference calls of a view of the manager, made through one {@link Inference}: whom they are counted for and
 * whom they wait as in a busy model's queue. Its subclasses answer everything else.
 */
abstract class InferenceFacade implements ModelManager {
    /** Its calls: whom they are counted for, whom they wait as. */
    protected abstract Inference calls();

    @Override
    public EmbeddingResult embed(String modelId, List<String> texts) {
        return calls().text().embed(modelId, texts);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts) {
        return calls().text().embedAsync(modelId, texts);
    }

    @Override
    public EmbeddingResult embed(String modelId, List<String> texts, EmbeddingOptions options) {
        return calls().text().embed(modelId, texts, options);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts, EmbeddingOptions options) {
        return calls().text().embedAsync(modelId, texts, options);
    }

    @Override
    public GenerationResult generate(String modelId, String prompt, GenerationOptions options) {
        return calls().generation().generate(modelId, prompt, options);
    }

    @Override
    public CompletionStage<GenerationResult> generateAsync(String modelId, String prompt, GenerationOptions options) {
        return calls().generation().generateAsync(modelId, prompt, options);
    }

    @Override
    public Flow.Publisher<GenerationChunk> stream(String modelId, String prompt, GenerationOptions options) {
        return calls().generation().stream(modelId, prompt, options);
    }

    @Override
    public GenerationResult chat(String modelId, List<ChatMessage> messages, GenerationOptions options) {
        return calls().generation().chat(modelId, messages, options);
    }

    @Override
    public CompletionStage<GenerationResult> chatAsync(String modelId, List<ChatMessage> messages,
                                                       GenerationOptions options) {
        return calls().generation().chatAsync(modelId, messages, options);
    }

    @Override
    public Flow.Publisher<GenerationChunk> streamChat(String modelId, List<ChatMessage> messages,
                                                      GenerationOptions options) {
        return calls().generation().streamChat(modelId, messages, options);
    }

    @Override
    public TransformResult transform(String modelId, List<String> inputs, GenerationOptions options) {
        return calls().text().transform(modelId, inputs, options);
    }

    @Override
    public CompletionStage<TransformResult> transformAsync(String modelId, List<String> inputs,
                                                           GenerationOptions options) {
        return calls().text().transformAsync(modelId, inputs, options);
    }

    @Override
    public ClassificationResult classify(String modelId, List<String> texts) {
        return calls().text().classify(modelId, texts);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyAsync(String modelId, List<String> texts) {
        return calls().text().classifyAsync(modelId, texts);
    }

    @Override
    public ClassificationResult classifyPairs(String modelId, List<TextPair> pairs) {
        return calls().ranking().classifyPairs(modelId, pairs);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyPairsAsync(String modelId, List<TextPair> pairs) {
        return calls().ranking().classifyPairsAsync(modelId, pairs);
    }

    @Override
    public RerankResult rerank(String modelId, String query, List<String> documents) {
        return calls().ranking().rerank(modelId, query, documents);
    }

    @Override
    public CompletionStage<RerankResult> rerankAsync(String modelId, String query, List<String> documents) {
        return calls().ranking().rerankAsync(modelId, query, documents);
    }

    @Override
    public ClassificationResult classifyZeroShot(String modelId, List<String> texts, List<String> candidateLabels) {
        return calls().ranking().classifyZeroShot(modelId, texts, candidateLabels);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyZeroShotAsync(String modelId, List<String> texts,
                                                                       List<String> candidateLabels) {
        return calls().ranking().classifyZeroShotAsync(modelId, texts, candidateLabels);
    }
}
