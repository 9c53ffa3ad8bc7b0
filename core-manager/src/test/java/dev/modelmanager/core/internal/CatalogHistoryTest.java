package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.CatalogChange;
import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.core.internal.catalog.CatalogParser;
import dev.modelmanager.core.internal.catalog.CatalogService;

/**
 * Seed 003's "no versioning": catalog entries carry {@code updated_at} (the file's, else when this version was first
 * seen), and each definition's additions, changes (naming the fields) and removals are kept as history.
 */
class CatalogHistoryTest {
    private static final String V1 = """
        models:
          - name: gpt-4o-mini
            provider: openai
            model_type: text_generation
            context_window: 128000
            pricing: {input_per_million: 0.15, output_per_million: 0.60}
        """;
    private static final String V2 = """
        models:
          - name: gpt-4o-mini
            provider: openai
            model_type: text_generation
            context_window: 200000
            pricing: {input_per_million: 0.10, output_per_million: 0.60}
            updated_at: 2026-11-30T08:00:00Z
        """;

    @Test
    void aChangedDefinitionIsStampedAndItsHistoryNamesTheFields() {
        CatalogService catalog = new CatalogService();
        Instant before = Instant.now();
        catalog.load("openai.yaml", new StringReader(V1));
        CatalogEntry first = catalog.find("gpt-4o-mini").orElseThrow();
        assertThat(first.updatedAt()).isBetween(before, Instant.now());

        catalog.load("openai.yaml", new StringReader(V1));
        assertThat(catalog.find("gpt-4o-mini").orElseThrow().updatedAt()).as("unchanged: same stamp")
            .isEqualTo(first.updatedAt());

        catalog.load("openai.yaml", new StringReader(V2));
        CatalogEntry second = catalog.find("gpt-4o-mini").orElseThrow();
        assertThat(second.updatedAt()).as("the file's updated_at").isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
        assertThat(second.cost(1_000_000, 0)).isEqualTo(0.10);

        catalog.forget("openai.yaml");
        List<CatalogChange> history = catalog.history("gpt-4o-mini");
        assertThat(history).extracting(CatalogChange::kind).containsExactly("added", "changed", "removed");
        CatalogChange changed = history.get(1);
        assertThat(changed.fields()).containsExactly("context_window", "pricing.input_per_million");
        assertThat(changed.before().contextWindow()).isEqualTo(128000);
        assertThat(changed.after().contextWindow()).isEqualTo(200000);
        assertThat(changed.origin()).isEqualTo("openai.yaml");
        assertThat(catalog.history("nope")).isEmpty();
    }

    @Test
    void theSameModelInTwoCatalogsHasAHistoryOfItsOwnInEach() {
        CatalogService catalog = new CatalogService();
        catalog.load("bundle:vendor/OSGI-INF/model-catalog/openai.yaml", new StringReader(V1));
        catalog.load("etc/catalog/openai.yaml", new StringReader(V2));
        catalog.load("bundle:vendor/OSGI-INF/model-catalog/openai.yaml", new StringReader(V1));
        catalog.forget("etc/catalog/openai.yaml");
        assertThat(catalog.history("gpt-4o-mini")).extracting(c -> c.kind() + " " + c.origin()).containsExactly(
            "added bundle:vendor/OSGI-INF/model-catalog/openai.yaml", "added etc/catalog/openai.yaml",
            "removed etc/catalog/openai.yaml");
    }

    @Test
    void aBadUpdatedAtIsRefusedNamingTheField() throws Exception {
        assertThatThrownBy(() -> CatalogParser.parse(new StringReader("""
            models:
              - name: a
                provider: p
                model_type: embedding
                updated_at: yesterday
            """), "bad.yaml")).hasMessageContaining("models[0].updated_at").hasMessageContaining("yesterday");
        assertThat(CatalogParser.parse(new StringReader("""
            models:
              - name: a
                provider: p
                model_type: embedding
                updated_at: 2026-01-31
            """), "day.yaml").get(0).updatedAt()).isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
    }
}
