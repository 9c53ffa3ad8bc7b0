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
    void aLeavingProviderFinishesItsRunningCallsAndCallsInTheGapWaitForItsReturn() throws Exception {
        manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("load it"));
        String shortPrompt = String.join(" ", java.util.Collections.nCopies(20, "word")); // 0.4 s
        String longPrompt = String.join(" ", java.util.Collections.nCopies(500, "word")); // 10 s, beyond the 2 s drain
        CompletableFuture<GenerationResult> finishing =
            manager.generateAsync("story", shortPrompt, GenerationOptions.DEFAULTS).toCompletableFuture();
        CompletableFuture<GenerationResult> tooLong =
            manager.generateAsync("story", longPrompt, GenerationOptions.DEFAULTS).toCompletableFuture();
        await("generations running", () -> manager.info("story").inFlight() == 2);

        manager.unbindProvider(provider);

        assertThat(finishing.get(1, TimeUnit.SECONDS).usage().completionTokens())
            .as("a running call finishes on the leaving provider").isEqualTo(20);
        assertThatThrownBy(() -> tooLong.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_GONE);
                assertThat(e.getMessage()).contains("provider 'test' went away");
            });
        assertThat(provider.open()).as("every instance of the leaving provider is closed").isZero();
        for (String id : List.of("story", "docs")) {
            assertThat(manager.info(id).status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        }
        assertThat(fixture.events.topicsOf("docs")).contains("WAITING_FOR_PROVIDER", "UNLOADED");

        // Calls in the gap wait for the provider to come back (a bundle update), instead of failing.
        CompletableFuture<dev.modelmanager.api.EmbeddingResult> inTheGap =
            manager.embedAsync("docs", List.of("x")).toCompletableFuture();
        CompletableFuture<GenerationResult> generationInTheGap =
            manager.generateAsync("story", "one two", GenerationOptions.DEFAULTS).toCompletableFuture();
        Thread.sleep(200);
        assertThat(inTheGap).isNotDone();
        manager.bindProvider(provider, Map.of("service.id", 3L));
        assertThat(inTheGap.get(10, TimeUnit.SECONDS).embeddings()).hasSize(1);
        assertThat(generationInTheGap.get(10, TimeUnit.SECONDS).text()).isEqualTo("two one");
        await("docs reloaded", () -> manager.info("docs").status() == ModelStatus.LOADED);
        assertThat(manager.embed("docs", List.of("y")).embeddings()).hasSize(1);
        assertThat(provider.loads()).isEqualTo(4);
    }

    @Test
    void callsToAModelWhoseProviderDoesNotComeBackFailAfterTheProviderWait() {
        try (Fixture f = new Fixture(Fixture.SETTINGS.builder().providerWait(java.time.Duration.ofMillis(300)).build(),
            new TestModelProvider())) {
            f.manager.register("docs", embedding().build(), "a");
            f.manager.embed("docs", List.of("load it"));
            f.manager.unbindProvider(f.provider);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> f.manager.embed("docs", List.of("x")))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NO_PROVIDER);
                    assertThat(e.getMessage()).contains("provider.wait.seconds");
                });
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(5));
            // After the window, calls fail at once.
            assertThatThrownBy(() -> f.manager.embed("docs", List.of("x")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_PROVIDER));
        }
        try (Fixture f = new Fixture(Fixture.SETTINGS.builder().providerWait(java.time.Duration.ZERO).build(),
            new TestModelProvider())) {
            f.manager.register("docs", embedding().build(), "a");
            f.manager.embed("docs", List.of("load it"));
            f.manager.unbindProvider(f.provider);
            assertThatThrownBy(() -> f.manager.embed("docs", List.of("x")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_PROVIDER));
        }
    }

    @Test
    void aLoadThatKeepsFailingBacksOffInsteadOfRetryingOnEveryCall() {
        manager.register("broken", embedding().option(TestModelProvider.FAIL_LOAD, "weights are corrupt").build(), "a");
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> manager.embed("broken", List.of("x")))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                    assertThat(e.getMessage()).contains("weights are corrupt");
                });
        }
        assertThat(provider.loadAttempts()).as("loads tried for 50 calls").isEqualTo(2);
        assertThat(manager.info("broken").reason()).contains("weights are corrupt").contains("next load after 1 s");
        assertThatThrownBy(() -> manager.embed("broken", List.of("x"))).hasMessageContaining("the next load is tried in");
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
