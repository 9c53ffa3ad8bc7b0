package dev.modelmanager.langchain4j;

import java.util.Objects;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;

/**
 * LangChain4j models over models the {@link ModelManager} serves. The forms taking a manager register (or attach to)
 * the model, hold a reference as the calling bundle does with {@link ModelManager#register(String, ModelRequirement,
 * Class)}, and release it when the adapter is closed: take them in {@code @Activate}, close them in
 * {@code @Deactivate}. The forms taking a handle adapt a handle the caller holds, which stays the caller's: closing
 * such an adapter releases nothing.
 *
 * <pre>{@code
 * try (ManagedEmbeddingModel minilm = ManagedModels.embeddingModel(manager, "minilm",
 *         ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/all-MiniLM-L6-v2").build())) {
 *     EmbeddingStoreIngestor.builder().embeddingModel(minilm).embeddingStore(store).build().ingest(documents);
 * }
 * }</pre>
 *
 * <p>Each factory fails as the manager's {@code register} or {@code attach} does, with its
 * {@link dev.modelmanager.api.ModelException}: {@code NOT_REGISTERED}, {@code CAPABILITY_MISSING} (an id of another
 * model type), {@code CONFLICTING_REQUIREMENT}, ...
 */
public final class ManagedModels {
    private ManagedModels() {
    }

    /** Registers the embedding model and answers it as a LangChain4j embedding model holding the reference. */
    public static ManagedEmbeddingModel embeddingModel(ModelManager manager, String modelId,
                                                       ModelRequirement requirement) {
        return new ManagedEmbeddingModel(manager.register(modelId, requirement, EmbeddingModelRef.class), true);
    }

    /** Attaches to the embedding model registered under {@code modelId} (a declared one, say). */
    public static ManagedEmbeddingModel embeddingModel(ModelManager manager, String modelId) {
        return new ManagedEmbeddingModel(manager.attach(modelId, EmbeddingModelRef.class), true);
    }

    /** Adapts a handle the caller holds (and keeps: closing the adapter does not close it). */
    public static ManagedEmbeddingModel embeddingModel(EmbeddingModelRef handle) {
        return new ManagedEmbeddingModel(Objects.requireNonNull(handle, "handle"), false);
    }

    /** Registers the text generation model and answers it as a LangChain4j chat model holding the reference. */
    public static ManagedChatModel chatModel(ModelManager manager, String modelId, ModelRequirement requirement) {
        return new ManagedChatModel(manager.register(modelId, requirement, GeneratorRef.class), true,
            DefaultChatRequestParameters.EMPTY);
    }

    /** Attaches to the text generation model registered under {@code modelId}. */
    public static ManagedChatModel chatModel(ModelManager manager, String modelId) {
        return new ManagedChatModel(manager.attach(modelId, GeneratorRef.class), true,
            DefaultChatRequestParameters.EMPTY);
    }

    /**
     * Adapts a handle the caller holds (and keeps), with default parameters under every request's own (a
     * {@link ModelManagerChatRequestParameters} with a seed, say); the requirement's defaults apply under both.
     */
    public static ManagedChatModel chatModel(GeneratorRef handle, ChatRequestParameters defaults) {
        return new ManagedChatModel(Objects.requireNonNull(handle, "handle"), false, orEmpty(defaults));
    }

    /** Registers the text generation model and answers it as a LangChain4j streaming chat model. */
    public static ManagedStreamingChatModel streamingChatModel(ModelManager manager, String modelId,
                                                               ModelRequirement requirement) {
        return new ManagedStreamingChatModel(manager.register(modelId, requirement, GeneratorRef.class), true,
            DefaultChatRequestParameters.EMPTY);
    }

    /** Attaches to the text generation model registered under {@code modelId}. */
    public static ManagedStreamingChatModel streamingChatModel(ModelManager manager, String modelId) {
        return new ManagedStreamingChatModel(manager.attach(modelId, GeneratorRef.class), true,
            DefaultChatRequestParameters.EMPTY);
    }

    /** Adapts a handle the caller holds (and keeps), with default parameters under every request's own. */
    public static ManagedStreamingChatModel streamingChatModel(GeneratorRef handle, ChatRequestParameters defaults) {
        return new ManagedStreamingChatModel(Objects.requireNonNull(handle, "handle"), false, orEmpty(defaults));
    }

    private static ChatRequestParameters orEmpty(ChatRequestParameters defaults) {
        return defaults == null ? DefaultChatRequestParameters.EMPTY : defaults;
    }
}
