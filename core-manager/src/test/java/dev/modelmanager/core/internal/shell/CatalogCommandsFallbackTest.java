package dev.modelmanager.core.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;

import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.catalog.CatalogService;

/**
 * Gogo may hand {@code catalog:query} and {@code catalog:compare} words to {@code _main} instead of their
 * {@code String...} methods (same score, first in an open method order): they answer the same from there, and only
 * a call without words is the usage.
 */
class CatalogCommandsFallbackTest {

    @Test
    void queryAndCompareWordsReachTheirMethodsThroughTheFallback() {
        CatalogService catalog = new CatalogService();
        catalog.load("test.yaml", new StringReader("""
            models:
              - name: tiny-t5-en-fr
                provider: djl
                model_type: text2text
                capabilities: [translation]
              - name: tiny-bert-sentiment
                provider: djl
                model_type: classification
                capabilities: [sentiment]
            """));
        CatalogCommands commands = new CatalogCommands(catalog);

        assertThat(String.valueOf(commands._main("query", "capability=translation"))).contains("tiny-t5-en-fr")
            .doesNotContain("tiny-bert-sentiment");
        assertThat(String.valueOf(commands._main("compare", "tiny-t5-en-fr", "tiny-bert-sentiment")))
            .contains("tiny-t5-en-fr").contains("tiny-bert-sentiment");
        assertThatThrownBy(() -> commands._main("query")).isInstanceOf(ShellError.class)
            .hasMessageStartingWith("usage: catalog:query");
        assertThatThrownBy(() -> commands._main("list", "extra")).hasMessageStartingWith("usage: catalog:list");
    }
}
