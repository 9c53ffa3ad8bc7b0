package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ClassifierRef;
import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.lifecycle.Owner;
import dev.modelmanager.testsupport.TestModelProvider;

/** Sharing by what a model is, references owned by bundles, typed handles, cancelled calls counted apart. */
class SharingAndHandlesTest {
    private final Fixture fixture = new Fixture();
    private final ModelManagerImpl manager = fixture.manager;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void theSameRequirementUnderTwoIdsIsOneLoadedModel() {
        manager.register("docs.embeddings", embedding().build(), "bundle.a");
        manager.register("search.vectors", embedding().build(), "bundle.b");
        manager.embed("docs.embeddings", List.of("x"));
        manager.embed("search.vectors", List.of("y"));
        assertThat(fixture.provider.loads()).as("one loaded instance").isEqualTo(1);
        assertThat(manager.info("search.vectors").requesters()).containsExactly("bundle.a", "bundle.b");
        assertThat(manager.info("search.vectors").details()).containsEntry("shared.with", "docs.embeddings");
        assertThat(manager.status().loadedModels()).isEqualTo(1);

        // The first id goes when its last holder releases it; the model lives on under the other.
        assertThat(manager.release("docs.embeddings", "bundle.a")).isEqualTo(1);
        assertThatThrownBy(() -> manager.info("docs.embeddings")).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        assertThat(manager.info("search.vectors").status()).isEqualTo(ModelStatus.LOADED);
        assertThat(fixture.provider.loads()).isEqualTo(1);
    }

    @Test
    void idsSharingAModelKeepTheirOwnDefaults() {
        ModelRequirement.Builder sentiment = ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment");
        manager.register("confident", sentiment.threshold(0.5).build(), "a");
        manager.register("everything", ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment")
            .build(), "a");
        assertThat(manager.classify("confident", List.of("good")).classifications().get(0).labels()).hasSize(1);
        assertThat(manager.classify("everything", List.of("good")).classifications().get(0).labels()).hasSize(2);
        assertThat(fixture.provider.loads()).isEqualTo(1);
    }

    @Test
    void requirementsThatDisagreeAreDifferentModels() {
        manager.register("small", embedding().dimension(16).build(), "a");
        manager.register("large", embedding().dimension(32).build(), "a");
        assertThat(manager.embed("small", List.of("x")).embeddings().get(0).dimension()).isEqualTo(16);
        assertThat(manager.embed("large", List.of("x")).embeddings().get(0).dimension()).isEqualTo(32);
        assertThat(fixture.provider.loads()).isEqualTo(2);
    }

    @Test
    void attachRefersToARegisteredModelWithoutItsRequirement() {
        manager.register("minilm", embedding().build(), "config:minilm");
        assertThat(manager.attach("minilm", "my.bundle").referenceCount()).isEqualTo(2);
        assertThat(manager.info("minilm").requesters()).containsExactly("config:minilm", "my.bundle");
        assertThatThrownBy(() -> manager.attach("nope", "my.bundle")).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }

    @Test
    void aHandleCallsTheModelAndClosingItReleases() {
        manager.register("minilm", embedding().build(), "config:minilm");
        try (EmbeddingModelRef minilm = manager.attach("minilm", EmbeddingModelRef.class)) {
            assertThat(minilm.embed("a text")).hasSize(384);
            assertThat(minilm.info().requesters()).containsExactly("config:minilm", "local");
            try (ModelRef second = manager.attach("minilm", ModelRef.class)) {
                assertThat(second).isInstanceOf(EmbeddingModelRef.class);
            }
            assertThat(manager.info("minilm").requesters()).as("another handle still holds it").contains("local");
        }
        assertThat(manager.info("minilm").requesters()).containsExactly("config:minilm");
        assertThatThrownBy(() -> manager.attach("minilm", GeneratorRef.class))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CAPABILITY_MISSING);
                assertThat(e.getMessage()).contains("EmbeddingModelRef");
            });
        assertThatThrownBy(() -> manager.register("x", embedding().build(), ClassifierRef.class))
            .isInstanceOf(ModelException.class);
    }

    @Test
    void anAsyncCallCancelledWhileItWaitsForASlotIsCountedAsCancelled() throws Exception {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, 16), new TestModelProvider());
             GeneratorRef story = f.manager.register("story", generation()
                 .option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), GeneratorRef.class)) {
            CompletableFuture<GenerationResult> running = story.generateAsync("one two three four five", null)
                .toCompletableFuture();
            Fixture.await("the first runs", () -> f.manager.info("story").inFlight() == 1);
            CompletableFuture<GenerationResult> waiting = story.generateAsync("six", null).toCompletableFuture();
            Fixture.await("the second waits", () -> f.manager.info("story").queued() == 1);
            waiting.cancel(true);
            running.get(10, TimeUnit.SECONDS);
            Fixture.await("counted", () -> f.manager.info("story").stats().cancelled() == 1);
            assertThat(f.manager.info("story").stats().requests()).isEqualTo(2);
            assertThat(f.manager.info("story").stats().failures()).isZero();
        }
    }

    @Test
    void aStreamToAConsumerHandsOverEachPieceAndCancellingStopsTheModel() throws Exception {
        try (GeneratorRef story = manager.register("story", generation()
            .option(TestModelProvider.TOKEN_DELAY_MS, "10").build(), GeneratorRef.class)) {
            List<String> pieces = new CopyOnWriteArrayList<>();
            GenerationResult whole = story.stream("one two three", null, pieces::add).get(10, TimeUnit.SECONDS);
            assertThat(pieces).containsExactly("three", " two", " one");
            assertThat(whole.text()).isEqualTo("three two one");
            assertThat(whole.finishReason()).isEqualTo(FinishReason.STOP);

            CompletableFuture<GenerationResult> endless = story.stream(String.join(" ",
                Collections.nCopies(2000, "word")), null, piece -> { });
            Fixture.await("a few pieces", () -> manager.info("story").inFlight() == 1);
            endless.cancel(true);
            Fixture.await("the model stopped", java.time.Duration.ofSeconds(2),
                () -> manager.info("story").inFlight() == 0);
            Fixture.await("counted", () -> manager.info("story").stats().cancelled() == 1);
            assertThat(manager.info("story").stats().failures()).as("cancelled is not failed").isZero();
        }
    }

    @Test
    void aBundlesReferencesAreItsOwn() {
        BundleModelManager a = new BundleModelManager(manager, new Owner(11, "bundle.a"));
        BundleModelManager b = new BundleModelManager(manager, new Owner(12, "bundle.b"));
        a.register("docs", embedding().build(), "bundle.a");
        b.register("docs", embedding().build(), "bundle.b");
        assertThatThrownBy(() -> b.release("docs", "bundle.a")).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_OWNER);
            assertThat(e.getMessage()).contains("bundle.a [11]");
        });
        assertThatThrownBy(() -> manager.release("docs", "bundle.a")).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_OWNER));
        EmbeddingModelRef handle = a.attach("docs", EmbeddingModelRef.class);
        // Bundle a stops: everything it held goes, whatever its code did.
        manager.releaseAll(a.owner());
        assertThat(manager.info("docs").requesters()).containsExactly("bundle.b");
        handle.close(); // its reference went with the bundle already: harmless
        assertThat(manager.info("docs").requesters()).containsExactly("bundle.b");
        // An operator's references (shell, REST) are shared, whoever took them; so are unowned ones (declared).
        a.register("docs", embedding().build(), "shell");
        assertThat(b.release("docs", "shell")).isEqualTo(1);
        manager.register("docs", embedding().build(), "config:docs");
        assertThat(b.release("docs", "config:docs")).isEqualTo(1);
    }
}
