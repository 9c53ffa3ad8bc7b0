package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelStatus;

/** Models declared by configuration (factory PID dev.modelmanager.model). */
class DeclaredModelTest {
    private final Fixture fixture = new Fixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Map<String, Object> config(String name, Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "dev.modelmanager.model~" + name);
        p.put("service.factoryPid", "dev.modelmanager.model");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void aConfigurationRegistersChangesAndReleasesItsModel() {
        DeclaredModel declared = new DeclaredModel(fixture.manager, config("minilm", "model_type", "embedding",
            "name", "sentence-transformers/all-MiniLM-L6-v2", "dimension", "384", "preload_workers", "1"));
        assertThat(fixture.manager.info("minilm").requesters()).containsExactly("config:minilm");
        Fixture.await("preloaded", () -> fixture.manager.info("minilm").status() == ModelStatus.LOADED);

        declared.modified(config("minilm", "model_type", "embedding", "name", "sentence-transformers/all-MiniLM-L6-v2",
            "dimension", "384", "pinned", "true"));
        assertThat(fixture.manager.info("minilm").pinned()).isTrue();
        assertThat(fixture.manager.info("minilm").requesters()).containsExactly("config:minilm");

        declared.deactivate();
        assertThat(fixture.manager.info("minilm").requesters()).as("released; pinned, so it stays loaded").isEmpty();
    }

    @Test
    void anExplicitModelIdWinsOverTheConfigurationName() {
        new DeclaredModel(fixture.manager, config("x", "model.id", "chat", "model_type", "text_generation",
            "name", "ggml-org/models"));
        assertThat(fixture.manager.info("chat").requesters()).containsExactly("config:x");
    }

    @Test
    void aBadDeclarationIsRefusedAndNothingElseIsDisturbed() {
        new DeclaredModel(fixture.manager, config("good", "model_type", "embedding", "name", "a/b"));
        new DeclaredModel(fixture.manager, config("bad", "model_type", "embedding", "name", "a/b", "dimensoin", "384"));
        new DeclaredModel(fixture.manager, config("worse", "model_type", "embedding", "name", "a/b", "dimension", "big"));
        assertThat(fixture.manager.list()).extracting(m -> m.modelId()).containsExactly("good");
    }

    @Test
    void aModelWhoseFilesCannotBeHadIsListedAsFailedWithTheReason() {
        new DeclaredModel(fixture.manager, config("missing", "model_type", "text_generation", "name", "stories",
            "path", "/nonexistent/stories260K.gguf"));
        Fixture.await("failed", () -> fixture.manager.info("missing").status() == ModelStatus.FAILED
            || fixture.manager.info("missing").status() == ModelStatus.REGISTERED);
        assertThat(fixture.manager.info("missing").requesters()).containsExactly("config:missing");
    }

    @Test
    void theNameComesFromTheFileWhenFileInstallGeneratedThePid() {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "dev.modelmanager.model.4f2a");
        p.put("felix.fileinstall.filename", "file:/opt/mm/etc/dev.modelmanager.model-stories.cfg");
        assertThat(DeclaredModel.configurationName(p)).isEqualTo("stories");
    }
}
