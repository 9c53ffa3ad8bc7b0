package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.testsupport.TestModelProvider;

class ProviderChurnTest {
    private final Fixture fixture = new Fixture();
    private final ModelManagerImpl manager = fixture.manager;
    private final TestModelProvider provider = fixture.provider;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aLeavingProviderFailsInFlightCallsAndPutsModelsBackToWaiting() throws Exception {
        manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("load it"));
        String longPrompt = String.join(" ", java.util.Collections.nCopies(500, "word"));
        CompletableFuture<GenerationResult> inFlight =
            manager.generateAsync("story", longPrompt, GenerationOptions.DEFAULTS).toCompletableFuture();
        await("generation running", () -> manager.info("story").inFlight() == 1);

        manager.unbindProvider(provider);

        assertThatThrownBy(() -> inFlight.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_GONE);
                assertThat(e.getMessage()).contains("provider 'test' went away");
            });
        assertThat(provider.open()).as("every instance of the leaving provider is closed").isZero();
        for (String id : List.of("story", "docs")) {
            assertThat(manager.info(id).status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        }
        assertThatThrownBy(() -> manager.embed("docs", List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_PROVIDER));
        assertThat(fixture.events.topicsOf("docs")).contains("WAITING_FOR_PROVIDER", "UNLOADED");

        // The provider comes back: models that were loaded load again and serve.
        manager.bindProvider(provider, Map.of("service.id", 3L));
        await("docs reloaded", () -> manager.info("docs").status() == ModelStatus.LOADED);
        assertThat(manager.embed("docs", List.of("x")).embeddings()).hasSize(1);
        assertThat(manager.generate("story", "one two", GenerationOptions.DEFAULTS).text()).isEqualTo("two one");
        assertThat(provider.loads()).isEqualTo(4);
    }

    @Test
    void modelsMoveToAnotherCapableProviderWhenOneLeaves() {
        TestModelProvider second = new TestModelProvider("second");
        manager.bindProvider(second, Map.of("service.id", 5L, "service.ranking", -1));
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("x"));
        assertThat(manager.info("docs").provider()).as("ties go to the higher ranking").isEqualTo("test");

        manager.unbindProvider(provider);
        await("reloaded on the other provider", () -> "second".equals(manager.info("docs").provider())
            && manager.info("docs").status() == ModelStatus.LOADED);
        assertThat(manager.embed("docs", List.of("x")).embeddings().get(0).workerId()).isEqualTo("docs#0");
        manager.unbindProvider(second);
        assertThat(second.open()).isZero();
    }

    @Test
    void modelsOfOtherProvidersAreUntouched() {
        TestModelProvider other = new TestModelProvider("other");
        manager.bindProvider(other, Map.of("service.id", 9L));
        manager.register("mine", embedding().provider("other").build(), "a");
        manager.register("theirs", embedding().provider("test").build(), "a");
        manager.embed("mine", List.of("x"));
        manager.embed("theirs", List.of("x"));
        manager.unbindProvider(provider);
        assertThat(manager.info("mine").status()).isEqualTo(ModelStatus.LOADED);
        assertThat(manager.embed("mine", List.of("still serving")).embeddings()).hasSize(1);
        assertThat(manager.info("theirs").status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        manager.unbindProvider(other);
        manager.bindProvider(provider, Map.of("service.id", 10L));
    }
}
