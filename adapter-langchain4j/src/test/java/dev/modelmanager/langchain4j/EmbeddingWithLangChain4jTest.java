package dev.modelmanager.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.IngestionResult;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.djl.internal.DjlProvider;

/**
 * all-MiniLM-L6-v2 (int8, from its LangChain4j Maven jar) through a real manager and the DJL provider, used by
 * LangChain4j's own ingestor, in-memory store and content retriever.
 */
class EmbeddingWithLangChain4jTest {
    static final ModelRequirement MINILM = ModelRequirement.builder(ModelType.EMBEDDING, "all-MiniLM-L6-v2")
        .dimension(384).maxInputLength(256).source(new ModelSource.Classpath(null, List.of(
            "onnx/model.onnx=all-minilm-l6-v2-q.onnx", "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json")))
        .build();
    static final List<String> PASSAGES = List.of(
        "The cat sat on the warm mat by the fireplace and purred.",
        "Stock markets fell sharply today after the central bank raised interest rates.",
        "Simmer the tomatoes with garlic and basil for twenty minutes to make the soup.",
        "The goalkeeper saved a penalty in the final minute of the match.");

    static ModelManagerImpl manager;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new DjlProvider(), Map.of("service.id", 1L));
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void ingestedPassagesAreRetrievedMostRelevantFirstWithEachBatchInOneManagerCall() {
        try (ManagedEmbeddingModel minilm = ManagedModels.embeddingModel(manager, "minilm", MINILM)) {
            assertThat(manager.info("minilm").requesters()).containsExactly(ModelManagerConstants.LOCAL_REQUESTER);
            InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
            long callsBefore = manager.info("minilm").stats().requests();
            IngestionResult ingested = EmbeddingStoreIngestor.builder().embeddingModel(minilm).embeddingStore(store)
                .build().ingest(PASSAGES.stream().map(Document::from).toList());
            assertThat(ingested).isNotNull();
            assertThat(manager.info("minilm").stats().requests()).as("four passages, one manager call")
                .isEqualTo(callsBefore + 1);
            assertThat(manager.info("minilm").stats().items()).isGreaterThanOrEqualTo(PASSAGES.size());

            EmbeddingStoreContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                .embeddingStore(store).embeddingModel(minilm).maxResults(2).build();
            assertThat(first(retriever.retrieve(Query.from("Where is the kitten sleeping?"))))
                .isEqualTo(PASSAGES.get(0));
            assertThat(first(retriever.retrieve(Query.from("How do I cook a vegetable soup?"))))
                .isEqualTo(PASSAGES.get(2));
            assertThat(first(retriever.retrieve(Query.from("Why did share prices drop?"))))
                .isEqualTo(PASSAGES.get(1));
            assertThat(minilm.dimension()).isEqualTo(384);
            assertThat(minilm.modelName()).isEqualTo("all-MiniLM-L6-v2");
        }
        assertThat(manager.list()).as("closing the adapter released its reference")
            .allMatch(m -> !m.modelId().equals("minilm") || m.requesters().isEmpty());
    }

    private static String first(List<Content> contents) {
        assertThat(contents).isNotEmpty();
        return contents.get(0).textSegment().text();
    }

    @Test
    void vectorsAreTheManagersAndAnAsyncEmbedGoesThroughItToo() throws Exception {
        try (ManagedEmbeddingModel minilm = ManagedModels.embeddingModel(manager, "vectors", MINILM)) {
            List<TextSegment> segments = List.of(TextSegment.from("A man is eating food."),
                TextSegment.from("A man is riding a horse."));
            Response<List<Embedding>> response = minilm.embedAll(segments);
            dev.modelmanager.api.EmbeddingResult managers = manager.embed("vectors",
                List.of("A man is eating food.", "A man is riding a horse."));
            List<float[]> direct = managers.vectors();
            assertThat(response.content()).hasSize(2);
            assertThat(response.content().get(0).vector()).containsExactly(direct.get(0));
            assertThat(response.content().get(1).vector()).containsExactly(direct.get(1));
            assertThat(managers.totalTokens()).as("[CLS] ... [SEP], the provider counts them").isEqualTo(8 + 9);
            assertThat(response.tokenUsage().inputTokenCount()).as("the tokens the model read")
                .isEqualTo((int) managers.totalTokens());
            assertThat(minilm.embedAll(List.of()).content()).isEmpty();
            float[] async = minilm.embedAsync(EmbeddingRequest.builder().textSegment(segments.get(1)).build())
                .get().embeddings().get(0).vector();
            assertThat(async).containsExactly(direct.get(1));
        }
    }

    @Test
    void perCallParametersTheManagerCannotApplyAreRefusedNamingThem() {
        try (ManagedEmbeddingModel minilm = ManagedModels.embeddingModel(manager, "minilm", MINILM)) {
            EmbeddingRequest withDimensions = EmbeddingRequest.builder().textSegment(TextSegment.from("hello"))
                .parameters(EmbeddingRequestParameters.builder().dimensions(128).build()).build();
            assertThatThrownBy(() -> minilm.embed(withDimensions))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("dimensions");
            EmbeddingRequest withInputType = EmbeddingRequest.builder().textSegment(TextSegment.from("hello"))
                .parameters(EmbeddingRequestParameters.builder().inputType(EmbeddingInputType.QUERY).build()).build();
            assertThatThrownBy(() -> minilm.embed(withInputType))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("input");
        }
    }

    @Test
    void anUnknownIdOrAModelOfAnotherTypeFailsWithTheManagersError() {
        assertThatThrownBy(() -> ManagedModels.embeddingModel(manager, "nobody"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED);
                assertThat(e.modelId()).isEqualTo("nobody");
            });
        ManagedEmbeddingModel closed = ManagedModels.embeddingModel(manager, "gone", MINILM);
        closed.close();
        assertThatThrownBy(() -> closed.embed("after close"))
            .isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }
}
