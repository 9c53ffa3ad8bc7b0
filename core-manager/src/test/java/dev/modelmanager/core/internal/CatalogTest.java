package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.catalog.CatalogParser;
import dev.modelmanager.core.internal.catalog.CatalogService;
import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;

/** Catalog files: parsing with precise errors, queries, and the manager's checks at registration. */
class CatalogTest {
    static final String FIXTURE = """
        models:
          - name: gpt-4o-mini
            provider: openai
            model_type: text_generation
            description: Small, fast, cheap
            context_window: 128000
            max_output_tokens: 16384
            pricing: {input_per_million: 0.15, output_per_million: 0.60}
            capabilities: [chat_completion, streaming, function_calling]
            default: true
          - name: gpt-4o
            provider: openai
            model_type: text_generation
            context_window: 128000
            pricing: {input_per_million: 2.50, output_per_million: 10.00}
            capabilities: [chat_completion, streaming, function_calling, vision]
          - name: claude-3-haiku
            provider: anthropic
            model_type: text_generation
            context_window: 200000
            capabilities: [chat_completion, streaming]
            deprecated: 2020-01-01
          - name: sentence-transformers/all-MiniLM-L6-v2
            provider: djl
            model_type: embedding
            context_window: 256
            dimension: 384
            capabilities: [embeddings]
            metadata: {license: apache-2.0}
        """;

    private static CatalogService catalog() {
        CatalogService catalog = new CatalogService();
        catalog.load("fixture.yaml", new StringReader(FIXTURE));
        return catalog;
    }

    @Test
    void aCatalogFileParsesEveryField() throws Exception {
        List<CatalogEntry> entries = CatalogParser.parse(new StringReader(FIXTURE), "fixture.yaml");
        assertThat(entries).hasSize(4);
        CatalogEntry mini = entries.get(0);
        assertThat(mini.contextWindow()).isEqualTo(128000);
        assertThat(mini.cost(1_000_000, 1_000_000)).isEqualTo(0.75);
        assertThat(mini.capabilities()).contains("function_calling");
        assertThat(mini.isDefault()).isTrue();
        assertThat(entries.get(2).deprecated()).isEqualTo(LocalDate.of(2020, 1, 1));
        assertThat(entries.get(3).metadata()).containsEntry("license", "apache-2.0");
    }

    @Test
    void queriesFilterByCapabilityContextProviderAndType() {
        CatalogService c = catalog();
        assertThat(c.query(Set.of("vision"), null, null, null)).extracting(CatalogEntry::name).containsExactly("gpt-4o");
        assertThat(c.query(null, 150000, null, null)).extracting(CatalogEntry::name).containsExactly("claude-3-haiku");
        assertThat(c.query(Set.of("streaming"), null, "openai", ModelType.TEXT_GENERATION)).hasSize(2);
        assertThat(c.query(null, null, null, ModelType.EMBEDDING)).singleElement()
            .extracting(CatalogEntry::dimension).isEqualTo(384);
        assertThat(c.defaultFor("openai")).map(CatalogEntry::name).contains("gpt-4o-mini");
        assertThat(c.compare(List.of("gpt-4o", "gpt-4o-mini"))).extracting(CatalogEntry::inputPricePerMillion)
            .containsExactly(2.5, 0.15);
        assertThatThrownBy(() -> c.compare(List.of("gpt-5"))).hasMessageContaining("the catalog has no model");
        c.forget("fixture.yaml");
        assertThat(c.entries()).isEmpty();
    }

    @Test
    void aBrokenFileIsRefusedNamingFileLineFieldAndReason() {
        assertThatThrownBy(() -> CatalogParser.parse(new StringReader("""
            models:
              - name: a
                provider: openai
                model_type: text_generation
                context_window: big
            """), "bad.yaml")).hasMessage("bad.yaml:5: models[0].context_window: must be a positive whole number, "
            + "was 'big'");
        assertThatThrownBy(() -> CatalogParser.parse(new StringReader("""
            models:
              - name: a
                provider: openai
                model_type: text_generation
                contxt_window: 10
            """), "typo.yaml")).hasMessageStartingWith("typo.yaml:5: models[0].contxt_window: unknown key");
        assertThatThrownBy(() -> CatalogParser.parse(new StringReader("""
            models:
              - name: a
                model_type: text_generation
            """), "missing.yaml")).hasMessage("missing.yaml: models[0].provider: is required");
        assertThatThrownBy(() -> CatalogParser.parse(new StringReader("models: [ {name: a"), "syntax.yaml"))
            .hasMessageStartingWith("syntax.yaml:1: not valid YAML");
        CatalogService c = catalog();
        c.load("bad.yaml", new StringReader("models: 3"));
        assertThat(c.problems()).containsExactly("bad.yaml:1: models: must be a list");
        assertThat(c.entries()).as("the good file stays").hasSize(4);
    }

    @Test
    void theManagerChecksRegistrationsAgainstTheCatalog() {
        try (Fixture f = new Fixture()) {
            f.manager.bindCatalog(catalog());
            assertThatThrownBy(() -> f.manager.register("e", Fixture.embedding().dimension(768).build(), "t"))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                    assertThat(e.field()).isEqualTo("dimension");
                    assertThat(e.getMessage()).contains("gives 384 dimensions, not 768").contains("fixture.yaml");
                });
            assertThatThrownBy(() -> f.manager.register("e", ModelRequirement.builder(ModelType.EMBEDDING,
                "gpt-4o").build(), "t")).hasMessageContaining("as a text_generation model");
            assertThatThrownBy(() -> f.manager.register("e", Fixture.embedding().maxInputLength(512).build(), "t"))
                .hasMessageContaining("context window of 256 tokens");
            // Deprecated: registered, with a warning.
            f.manager.register("old", ModelRequirement.builder(ModelType.TEXT_GENERATION, "claude-3-haiku").build(), "t");
            assertThat(f.manager.info("old").requesters()).containsExactly("t");
            f.manager.register("ok", Fixture.embedding().build(), "t");
        }
    }
}
