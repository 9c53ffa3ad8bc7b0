package dev.modelmanager.langchain4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.EmbeddingResult;

/**
 * A managed embedding model as a LangChain4j {@link EmbeddingModel}. An {@code embedAll} of any number of segments
 * is one call of the manager, which batches, caches and schedules it as it does every other; failures are the
 * manager's {@link dev.modelmanager.api.ModelException}s, unchanged. Per-call parameters (dimensions, input type)
 * and non-text inputs are refused by LangChain4j with an {@code UnsupportedFeatureException}. Responses carry the
 * tokens the model read of the inputs as the input token count, where the provider counts them
 * ({@code EmbeddingResult.totalTokens()}), and none where it cannot tell. Thread-safe.
 */
public final class ManagedEmbeddingModel extends ManagedModel<EmbeddingModelRef> implements EmbeddingModel {
    private volatile int dimension = -1;

    ManagedEmbeddingModel(EmbeddingModelRef handle, boolean owned) {
        super(handle, owned);
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        return response(handle().embed(texts(request)));
    }

    @Override
    public CompletableFuture<EmbeddingResponse> doEmbedAsync(EmbeddingRequest request) {
        return handle().embedAsync(texts(request)).thenApply(this::response).toCompletableFuture();
    }

    private static List<String> texts(EmbeddingRequest request) {
        return request.inputs().stream().map(EmbeddingInput::text).toList();
    }

    private EmbeddingResponse response(EmbeddingResult result) {
        List<Embedding> embeddings = result.vectors().stream().map(Embedding::from).toList();
        if (!embeddings.isEmpty()) {
            dimension = embeddings.get(0).dimension();
        }
        EmbeddingResponseMetadata.Builder<?> metadata = EmbeddingResponseMetadata.builder().modelName(modelName());
        if (result.totalTokens() != dev.modelmanager.api.Embedding.UNKNOWN && result.totalTokens() <= Integer.MAX_VALUE) {
            metadata.tokenUsage(new TokenUsage((int) result.totalTokens()));
        }
        return EmbeddingResponse.builder().embeddings(embeddings).metadata(metadata.build()).build();
    }

    /** The vectors' dimension: from the last call, or from embedding one word once. */
    @Override
    public int dimension() {
        int known = dimension;
        if (known < 0) {
            known = handle().embed("dimension").length;
            dimension = known;
        }
        return known;
    }

}
