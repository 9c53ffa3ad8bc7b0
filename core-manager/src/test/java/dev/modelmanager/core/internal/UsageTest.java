package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.core.internal.catalog.CatalogService;
import dev.modelmanager.core.internal.lifecycle.Owner;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Per-requester accounting: each bundle's calls (through its view of the manager, and through the handles it holds)
 * are counted for it, with items, tokens, failures and the cost at the catalog's prices; calls on the manager itself
 * count as {@code direct}; past 32 requesters of one model the rest share {@code other}; what a released model was
 * used for stays.
 */
class UsageTest {

    @Test
    void eachBundlesCallsAreItsOwnWithTokensFailuresAndCost() {
        try (Fixture f = new Fixture()) {
            CatalogService catalog = new CatalogService();
            catalog.load("prices.yaml", new StringReader("""
                models:
                  - name: ggml-org/models
                    provider: test
                    model_type: text_generation
                    pricing: {input_per_million: 1.0, output_per_million: 3.0}
                """));
            assertThat(catalog.problems()).isEmpty();
            f.manager.bindCatalog(catalog);
            BundleModelManager search = new BundleModelManager(f.manager, new Owner(11, "com.example.search"));
            BundleModelManager chat = new BundleModelManager(f.manager, new Owner(12, "com.example.chat"));
            search.register("docs", embedding().build(), "com.example.search");
            chat.register("story", generation().build(), "com.example.chat");
            search.embed("docs", List.of("a", "b", "c"));
            EmbeddingModelRef handle = search.attach("docs", EmbeddingModelRef.class);
            handle.embed(List.of("d"));
            GenerationResult story = chat.generate("story", "one two three", GenerationOptions.builder()
                .maxOutputLength(4).build());
            f.manager.embed("docs", List.of("e"));

            List<RequesterUsage> usage = f.manager.usage();
            RequesterUsage searchDocs = find(usage, "com.example.search", "docs");
            assertThat(searchDocs.calls()).isEqualTo(2);
            assertThat(searchDocs.items()).isEqualTo(4);
            assertThat(searchDocs.cost()).as("the catalog prices no embedding model here").isNull();
            RequesterUsage chatStory = find(usage, "com.example.chat", "story");
            assertThat(chatStory.calls()).isEqualTo(1);
            assertThat(chatStory.promptTokens()).isEqualTo(story.usage().promptTokens());
            assertThat(chatStory.generatedTokens()).isEqualTo(story.usage().completionTokens());
            assertThat(chatStory.cost()).isEqualTo((story.usage().promptTokens() * 1.0
                + story.usage().completionTokens() * 3.0) / 1_000_000.0);
            assertThat(find(usage, RequesterUsage.DIRECT, "docs").items()).isEqualTo(1);
            assertThat(usage).extracting(RequesterUsage::requester)
                .containsExactly("com.example.chat", "com.example.search", "direct");
            assertThat(usage.stream().mapToLong(RequesterUsage::calls).sum())
                .as("every call counted once, for one requester").isEqualTo(f.manager.info("docs").stats().requests()
                    + f.manager.info("story").stats().requests());
        }
    }

    @Test
    void failuresCountForTheirRequesterAndReleasedModelsKeepTheirUsage() {
        try (Fixture f = new Fixture()) {
            BundleModelManager a = new BundleModelManager(f.manager, new Owner(11, "bundle.a"));
            a.register("broken", generation().name("test/broken")
                .option(TestModelProvider.FAIL_INFERENCE, "boom").build(), "bundle.a");
            assertThatThrownBy(() -> a.generate("broken", "x", null)).isInstanceOf(ModelException.class);
            a.release("broken", "bundle.a");
            Fixture.await("released", () -> f.manager.list().isEmpty());
            RequesterUsage u = find(f.manager.usage(), "bundle.a", "broken");
            assertThat(u.calls()).isEqualTo(1);
            assertThat(u.failures()).isEqualTo(1);
        }
    }

    @Test
    void theRequestersOfOneModelAreBounded() {
        try (Fixture f = new Fixture()) {
            f.manager.register("docs", embedding().build(), "t");
            for (int i = 0; i < RequesterUsage.MAX_PER_MODEL + 8; i++) {
                new BundleModelManager(f.manager, new Owner(100 + i, "bundle." + i)).embed("docs", List.of("x" + i));
            }
            List<RequesterUsage> usage = f.manager.usage();
            assertThat(usage).hasSize(RequesterUsage.MAX_PER_MODEL + 1);
            assertThat(find(usage, RequesterUsage.OTHER, "docs").calls()).isEqualTo(8);
        }
    }

    private static RequesterUsage find(List<RequesterUsage> usage, String requester, String model) {
        return usage.stream().filter(u -> u.requester().equals(requester) && u.modelId().equals(model)).findFirst()
            .orElseThrow(() -> new AssertionError("no usage of " + model + " by " + requester + " in " + usage));
    }
}
