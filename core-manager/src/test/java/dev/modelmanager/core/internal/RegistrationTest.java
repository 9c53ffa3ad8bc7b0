package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.Registration;
import dev.modelmanager.testsupport.TestModelProvider;

class RegistrationTest {
    private Fixture fixture = new Fixture();
    private ModelManager manager = fixture.manager;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void referencesAreTheSetOfRequesters() {
        Registration first = manager.register("docs", embedding().build(), "bundle.a");
        assertThat(first).isEqualTo(new Registration("docs", true, 1, dev.modelmanager.api.ModelType.EMBEDDING,
            "sentence-transformers/all-MiniLM-L6-v2", ModelStatus.REGISTERED));
        assertThat(manager.register("docs", embedding().build(), "bundle.a").referenceCount()).isEqualTo(1);
        Registration second = manager.register("docs", embedding().build(), "bundle.b");
        assertThat(second.newRegistration()).isFalse();
        assertThat(second.referenceCount()).isEqualTo(2);
        assertThat(manager.info("docs").requesters()).containsExactly("bundle.a", "bundle.b");

        assertThat(manager.release("docs", "bundle.a")).isEqualTo(1);
        assertThat(manager.release("docs", "bundle.a")).as("releasing twice is harmless").isEqualTo(1);
        assertThat(manager.release("docs", "bundle.b")).isZero();
    }

    @Test
    void modulesAskingForTheSameModelShareOneInstance() {
        manager.register("docs", embedding().build(), "bundle.a");
        manager.register("docs", embedding().batchSize(8).build(), "bundle.b");
        manager.embed("docs", List.of("hello"));
        manager.embed("docs", List.of("world"));
        assertThat(fixture.provider.loads()).isEqualTo(1);
    }

    @Test
    void aConflictingRequirementIsRefusedAndNamesTheFields() {
        manager.register("docs", embedding().build(), "bundle.a");
        assertThatThrownBy(() -> manager.register("docs", embedding().dimension(768).device("cpu").build(), "bundle.b"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CONFLICTING_REQUIREMENT);
                assertThat(e.getMessage()).contains("dimension").contains("device").contains("docs");
            });
        assertThat(manager.info("docs").referenceCount()).as("the refused requester holds nothing").isEqualTo(1);
    }

    @Test
    void invalidIdsAndRequestersAreRefused() {
        assertThatThrownBy(() -> manager.register("default", embedding().build(), "a"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("model_id"));
        assertThatThrownBy(() -> manager.register("has space", embedding().build(), "a"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT));
        assertThatThrownBy(() -> manager.register("docs", embedding().build(), " "))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("requester_id"));
        assertThatThrownBy(() -> manager.register("docs", null, "a"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("requirement"));
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void unknownModelsAreNotRegistered() {
        assertThatThrownBy(() -> manager.release("nope", "a"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        assertThatThrownBy(() -> manager.info("nope"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        assertThatThrownBy(() -> manager.embed("nope", List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }

    @Test
    void theLastReleaseUnloadsAfterTheIdleTimeoutAndUnregisters() {
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("x"));
        manager.release("docs", "a");
        await("docs to go", () -> manager.list().isEmpty());
        await("instance closed", () -> fixture.provider.open() == 0);
        await("unload announced", () -> fixture.events.topicsOf("docs").contains("UNLOADED"));
        assertThat(fixture.events.topicsOf("docs"))
            .containsExactly("REGISTERED", "LOADING", "LOADED", "RELEASED", "EVICTED", "UNLOADED");
    }

    @Test
    void registeringAgainWithinTheGracePeriodKeepsTheLoadedInstance() {
        try (Fixture slow = new Fixture(Fixture.SETTINGS.withIdleTimeout(Duration.ofMinutes(5)), new TestModelProvider())) {
            slow.manager.register("docs", embedding().build(), "a");
            slow.manager.embed("docs", List.of("x"));
            slow.manager.release("docs", "a");
            assertThat(slow.manager.info("docs").status()).isEqualTo(ModelStatus.LOADED);
            slow.manager.register("docs", embedding().build(), "a-restarted");
            slow.manager.embed("docs", List.of("y"));
            assertThat(slow.provider.loads()).isEqualTo(1);
        }
    }

    @Test
    void aPinnedModelStaysLoadedWithoutReferences() throws Exception {
        manager.register("docs", embedding().pinned(true).build(), "a");
        manager.embed("docs", List.of("x"));
        manager.release("docs", "a");
        Thread.sleep(100);
        ModelInfo info = manager.info("docs");
        assertThat(info.status()).isEqualTo(ModelStatus.LOADED);
        assertThat(info.referenceCount()).isZero();
    }

    @Test
    void perModelIdleTimeoutOverridesTheManagerDefault() {
        try (Fixture slow = new Fixture(Fixture.SETTINGS.withIdleTimeout(Duration.ofMinutes(5)), new TestModelProvider())) {
            slow.manager.register("docs", embedding().idleTimeout(Duration.ofMillis(50)).build(), "a");
            slow.manager.embed("docs", List.of("x"));
            slow.manager.release("docs", "a");
            await("docs to go", () -> slow.manager.list().isEmpty());
        }
    }

    @Test
    void defaultRoutesToTheChosenModel() {
        assertThatThrownBy(() -> manager.embed(ModelManager.DEFAULT_MODEL, List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED);
                assertThat(e.getMessage()).contains("no default model");
            });
        assertThatThrownBy(() -> manager.setDefault("docs"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        manager.register("docs", embedding().build(), "a");
        manager.setDefault("docs");
        assertThat(manager.defaultModel()).contains("docs");
        assertThat(manager.embed(ModelManager.DEFAULT_MODEL, List.of("x")).modelId()).isEqualTo("docs");
        assertThat(manager.info("default").isDefault()).isTrue();
        assertThat(fixture.events.events).anyMatch(e -> e.getTopic().endsWith("DEFAULT_CHANGED"));

        manager.release("docs", "a");
        await("default cleared when its model goes", () -> manager.defaultModel().isEmpty());
    }

    @Test
    void aRequirementNoProviderServesWaitsForOne() {
        manager.register("remote", embedding().provider("remote").build(), "a");
        ModelInfo info = manager.info("remote");
        assertThat(info.status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        assertThat(info.reason()).contains("no provider named 'remote'");
        assertThatThrownBy(() -> manager.embed("remote", List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_PROVIDER));

        fixture.manager.bindProvider(new TestModelProvider("remote"), java.util.Map.of("service.id", 2L));
        assertThat(manager.info("remote").status()).isEqualTo(ModelStatus.REGISTERED);
        assertThat(manager.embed("remote", List.of("x")).embeddings()).hasSize(1);
        assertThat(manager.info("remote").provider()).isEqualTo("remote");
        manager.release("remote", "a");
        await("remote model closed", () -> manager.list().isEmpty());
    }
}
