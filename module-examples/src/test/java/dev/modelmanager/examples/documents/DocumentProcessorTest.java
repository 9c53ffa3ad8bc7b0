package dev.modelmanager.examples.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.testsupport.TestModelProvider;

/** The document processor on a handle, as Declarative Services gives it one from the model's service. */
class DocumentProcessorTest {
    private final ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
    private final TestModelProvider provider = new TestModelProvider();

    DocumentProcessorTest() {
        manager.bindProvider(provider, Map.of("service.id", 1L));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void ranksBySimilarityWithTheModelItIsGiven() {
        EmbeddingModelRef minilm = manager.register("minilm", ModelRequirement.builder(ModelType.EMBEDDING,
            "sentence-transformers/all-MiniLM-L6-v2").dimension(384).build(), EmbeddingModelRef.class);
        DocumentProcessor docs = new DocumentProcessor(minilm);
        assertThat(provider.loads()).as("lazy: nothing loads before first use").isZero();

        assertThat(docs.add("the", "cat", "sat", "on", "the", "mat")).isEqualTo("added document 1");
        docs.add("stock markets fell sharply today");
        docs.add("a kitten sleeps on a warm mat");
        assertThat(docs.findSimilar("cat on a mat", 2)).extracting(DocumentProcessor.Match::id).containsExactly(1, 3);
        assertThat(docs.search("markets", "1")).contains("#2").contains("stock markets");
        assertThat(docs.list()).contains("#3  a kitten sleeps on a warm mat");
        assertThatThrownBy(() -> docs.search("x", "many")).hasMessageContaining("k must be a number");
        assertThatThrownBy(() -> docs.add()).hasMessageContaining("give the text to add");

        minilm.close();
        assertThat(manager.list()).allSatisfy(m -> assertThat(m.requesters()).isEmpty());
    }

    @Test
    void cosineOfOrthogonalAndParallelVectors() {
        assertThat(DocumentProcessor.cosine(new float[] {1, 0}, new float[] {0, 2})).isZero();
        assertThat(DocumentProcessor.cosine(new float[] {1, 1}, new float[] {2, 2})).isCloseTo(1.0, Offset.offset(1e-9));
        assertThat(DocumentProcessor.cosine(new float[] {0, 0}, new float[] {1, 1})).isZero();
    }
}
