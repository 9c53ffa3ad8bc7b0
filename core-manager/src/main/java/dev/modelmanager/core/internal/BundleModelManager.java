package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.RerankResult;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.TransformResult;
import dev.modelmanager.core.internal.inference.Inference;
import dev.modelmanager.core.internal.lifecycle.Owner;

/**
 * One bundle's view of the manager (the service is bundle-scoped): every reference it takes is owned by the bundle,
 * so no other bundle can release it, and all of them go when the bundle releases the service. Typed handles hold
 * their reference as the bundle's symbolic name, and its calls are counted for the bundle
 * ({@link ModelManager#usage()}). Everything else is the manager's.
 */
final class BundleModelManager implements ModelManager {
    private final ModelManagerImpl manager;
    private final Owner owner;
    /** Its calls, counted for the bundle. */
    private final Inference calls;

    BundleModelManager(ModelManagerImpl manager, Owner owner) {
        this.manager = manager;
        this.owner = owner;
        this.calls = manager.inference(owner.symbolicName());
    }

    Owner owner() {
        return owner;
    }

    /** A declared model (the core bundle's {@code DeclaredModel}): unowned, its source not checked first. */
    Registration registerDeclared(String modelId, ModelRequirement requirement, String requesterId) {
        return manager.registerDeclared(modelId, requirement, requesterId);
    }

    @Override
    public Registration register(String modelId, ModelRequirement requirement, String requesterId) {
        return manager.register(modelId, requirement, requesterId, owner);
    }

    @Override
    public Registration registerConfined(String modelId, ModelRequirement requirement, String requesterId) {
        return manager.registerConfined(modelId, requirement, requesterId, owner);
    }

    @Override
    public Registration attach(String modelId, String requesterId) {
        return manager.attach(modelId, requesterId, owner);
    }

    @Override
    public <R extends ModelRef> R register(String modelId, ModelRequirement requirement, Class<R> handle) {
        return manager.handles().take(this, modelId, requirement, handle, owner.symbolicName(), owner);
    }

    @Override
    public <R extends ModelRef> R attach(String modelId, Class<R> handle) {
        return manager.handles().take(this, modelId, null, handle, owner.symbolicName(), owner);
    }

    @Override
    public int release(String modelId, String requesterId) {
        return manager.release(modelId, requesterId, owner);
    }

    @Override
    public EmbeddingResult embed(String modelId, List<String> texts) {
        return calls.text().embed(modelId, texts);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts) {
        return calls.text().embedAsync(modelId, texts);
    }

    @Override
    public EmbeddingResult embed(String modelId, List<String> texts, EmbeddingOptions options) {
        return calls.text().embed(modelId, texts, options);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts, EmbeddingOptions options) {
        return calls.text().embedAsync(modelId, texts, options);
    }

    @Override
    public GenerationResult generate(String modelId, String prompt, GenerationOptions options) {
        return calls.generation().generate(modelId, prompt, options);
    }

    @Override
    public CompletionStage<GenerationResult> generateAsync(String modelId, String prompt, GenerationOptions options) {
        return calls.generation().generateAsync(modelId, prompt, options);
    }

    @Override
    public Flow.Publisher<GenerationChunk> stream(String modelId, String prompt, GenerationOptions options) {
        return calls.generation().stream(modelId, prompt, options);
    }

    @Override
    public GenerationResult chat(String modelId, List<ChatMessage> messages, GenerationOptions options) {
        return calls.generation().chat(modelId, messages, options);
    }

    @Override
    public CompletionStage<GenerationResult> chatAsync(String modelId, List<ChatMessage> messages,
                                                       GenerationOptions options) {
        return calls.generation().chatAsync(modelId, messages, options);
    }

    @Override
    public Flow.Publisher<GenerationChunk> streamChat(String modelId, List<ChatMessage> messages,
                                                      GenerationOptions options) {
        return calls.generation().streamChat(modelId, messages, options);
    }

    @Override
    public TransformResult transform(String modelId, List<String> inputs, GenerationOptions options) {
        return calls.text().transform(modelId, inputs, options);
    }

    @Override
    public CompletionStage<TransformResult> transformAsync(String modelId, List<String> inputs,
                                                           GenerationOptions options) {
        return calls.text().transformAsync(modelId, inputs, options);
    }

    @Override
    public ClassificationResult classify(String modelId, List<String> texts) {
        return calls.text().classify(modelId, texts);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyAsync(String modelId, List<String> texts) {
        return calls.text().classifyAsync(modelId, texts);
    }

    @Override
    public ClassificationResult classifyPairs(String modelId, List<TextPair> pairs) {
        return calls.ranking().classifyPairs(modelId, pairs);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyPairsAsync(String modelId, List<TextPair> pairs) {
        return calls.ranking().classifyPairsAsync(modelId, pairs);
    }

    @Override
    public RerankResult rerank(String modelId, String query, List<String> documents) {
        return calls.ranking().rerank(modelId, query, documents);
    }

    @Override
    public CompletionStage<RerankResult> rerankAsync(String modelId, String query, List<String> documents) {
        return calls.ranking().rerankAsync(modelId, query, documents);
    }

    @Override
    public ClassificationResult classifyZeroShot(String modelId, List<String> texts, List<String> candidateLabels) {
        return calls.ranking().classifyZeroShot(modelId, texts, candidateLabels);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyZeroShotAsync(String modelId, List<String> texts,
                                                                       List<String> candidateLabels) {
        return calls.ranking().classifyZeroShotAsync(modelId, texts, candidateLabels);
    }

    @Override
    public ModelInfo load(String modelId, Duration timeout) {
        return manager.load(modelId, timeout);
    }

    @Override
    public CompletionStage<ModelInfo> loadAsync(String modelId) {
        return manager.loadAsync(modelId);
    }

    @Override
    public boolean unload(String modelId) {
        return manager.unload(modelId);
    }

    @Override
    public void setDefault(String modelId) {
        manager.setDefault(modelId);
    }

    @Override
    public void clearEmbeddingCache(String modelId) {
        manager.clearEmbeddingCache(modelId);
    }

    @Override
    public Optional<String> defaultModel() {
        return manager.defaultModel();
    }

    @Override
    public ModelInfo switchAlias(String alias, String modelId, Duration timeout) {
        return manager.switchAlias(alias, modelId, timeout);
    }

    @Override
    public boolean removeAlias(String alias) {
        return manager.removeAlias(alias);
    }

    @Override
    public Map<String, String> aliases() {
        return manager.aliases();
    }

    @Override
    public ProfileResult profile(String modelId, int requests) {
        return manager.profile(modelId, requests);
    }

    @Override
    public ModelInfo autoSwitch(String alias, dev.modelmanager.api.AliasPolicy policy, java.time.Duration timeout) {
        return manager.autoSwitch(alias, policy, timeout);
    }

    @Override
    public java.util.Map<String, dev.modelmanager.api.AliasPolicy> aliasPolicies() {
        return manager.aliasPolicies();
    }

    @Override
    public List<dev.modelmanager.api.RequesterUsage> usage() {
        return manager.usage();
    }

    @Override
    public dev.modelmanager.api.StateSave saveState() {
        return manager.saveState();
    }

    @Override
    public ModelInfo info(String modelId) {
        return manager.info(modelId);
    }

    @Override
    public List<ModelInfo> list() {
        return manager.list();
    }

    @Override
    public ManagerStatus status() {
        return manager.status();
    }

    @Override
    public String toString() {
        return "ModelManager for " + owner;
    }
}
