package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Ids follow the API's rule ({@link dev.modelmanager.api.ModelIds}): no '/', so that every face addresses them. Ids
 * that an older version accepted, in a saved state or a declaration, are refused with a warning, not a crash.
 */
class ModelIdRuleTest {
    private final Path dir = Fixture.tempDir("ids");

    @Test
    void aHubStyleIdIsRefusedAtRegistrationAndAsAnAlias() {
        try (Fixture fixture = new Fixture()) {
            assertThatThrownBy(() -> fixture.manager.register("org/model", embedding().build(), "shell"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("model_id"))
                .hasMessageContaining("name=org/model");
            fixture.manager.register("docs", embedding().build(), "shell");
            assertThatThrownBy(() -> fixture.manager.switchAlias("team/docs", "docs", java.time.Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("alias"));
        }
    }

    @Test
    void aSavedStateWithAnIdOutsideTheRuleStartsWithAWarningAndKeepsTheRest() throws Exception {
        Files.writeString(dir.resolve("state.json"), """
            {"version": 1, "defaultModel": "org/model",
             "models": [
               {"id": "org/model", "requirement": {"model_type": "embedding", "name": "org/model"},
                "requesters": ["rest"], "loaded": true},
               {"id": "docs", "requirement": {"model_type": "embedding", "name": "sentence-transformers/x"},
                "requesters": ["shell"], "loaded": false}],
             "aliases": {"team/docs": "docs", "chat": "docs"}}""");
        ManagerSettings settings = Fixture.SETTINGS.withStateFile(dir.resolve("state.json"));
        String log;
        Fixture fixture;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            fixture = new Fixture(settings, new TestModelProvider());
        } finally {
            System.setErr(err);
        }
        log = captured.toString(StandardCharsets.UTF_8);
        try (fixture) {
            assertThat(fixture.manager.list()).extracting(m -> m.modelId()).containsExactly("docs");
            assertThat(fixture.manager.aliases()).isEqualTo(Map.of("chat", "docs"));
            assertThat(log).contains("org/model", "name=org/model", "org--model", "team/docs");
        }
    }

    @Test
    void aDeclarationWithAnIdOutsideTheRuleIsRefusedWithAWarning() {
        try (Fixture fixture = new Fixture()) {
            PrintStream err = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                new DeclaredModel(fixture.manager, Map.of("service.pid", "dev.modelmanager.model~hub",
                    "model.id", "org/model", "model_type", "embedding", "name", "org/model"));
            } finally {
                System.setErr(err);
            }
            assertThat(fixture.manager.list()).isEmpty();
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("org/model", "org--model");
        }
    }
}
