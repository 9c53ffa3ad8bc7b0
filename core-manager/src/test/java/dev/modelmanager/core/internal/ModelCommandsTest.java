package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelException;

class ModelCommandsTest {
    private final Fixture fixture = new Fixture();
    private final ModelCommands commands = new ModelCommands(fixture.manager);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void listInfoAndStatusDescribeTheModels() {
        assertThat(commands.list()).isEqualTo("No models registered.\n");
        fixture.manager.register("docs", embedding().build(), "bundle.a");
        fixture.manager.embed("docs", List.of("x"));
        fixture.manager.setDefault("docs");

        String list = commands.list();
        assertThat(list.lines().findFirst().orElseThrow()).startsWith("ID").contains("STATUS").contains("PROVIDER");
        assertThat(list).contains("docs (default)").contains("embedding").contains("LOADED").contains("cpu")
            .contains("sentence-transformers/all-MiniLM-L6-v2");

        String info = commands.info("docs");
        assertThat(info).contains("requesters").contains("bundle.a").contains("hub:sentence-transformers/all-MiniLM-L6-v2@main")
            .contains("requests").contains("docs#0".substring(0, 4));

        String status = commands.status();
        assertThat(status).contains("1 registered, 1 loaded; default: docs").contains("test");

        assertThatThrownBy(() -> commands.info("missing")).isInstanceOf(ModelException.class)
            .hasMessage("model 'missing': no model is registered under this id [NOT_REGISTERED]");
    }
}
