package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ProviderFit;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * No lock of a model is held while its provider loads, closes or assesses: with a provider stuck in each of them,
 * other threads still get answers at once from info, status and register on that same model.
 */
class LockDisciplineTest {
    /** A provider that blocks in the step named until it is let go. */
    static final class StuckProvider extends TestModelProvider {
        volatile String stuckIn = "";
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);

        private void maybeBlock(String step) {
            if (stuckIn.equals(step)) {
                entered.countDown();
                try {
                    letGo.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public ProviderFit assess(ModelRequirement requirement) {
            maybeBlock("assess");
            return super.assess(requirement);
        }

        @Override
        public LoadedModel load(LoadRequest request) throws Exception {
            maybeBlock("load");
            LoadedModel model = super.load(request);
            // The same model, whose close blocks when asked to.
            return (LoadedModel) Proxy.newProxyInstance(getClass().getClassLoader(), model.getClass().getInterfaces(),
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        maybeBlock("close");
                    }
                    try {
                        return method.invoke(model, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        }
    }

    private static void answersAtOnce(Fixture f, String id) {
        CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
            f.manager.info(id);
            f.manager.status();
            f.manager.list();
            f.manager.register(id, embedding().build(), "another-bundle");
        });
        assertThat(others).as("info, status and register on the same model").succeedsWithin(2, TimeUnit.SECONDS);
    }

    @Test
    void whileTheProviderLoads() throws Exception {
        StuckProvider provider = new StuckProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS, provider)) {
            f.manager.register("docs", embedding().build(), "a");
            provider.stuckIn = "load";
            CompletableFuture<?> load = f.manager.loadAsync("docs").toCompletableFuture();
            assertThat(provider.entered.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(f.manager.info("docs").status()).isEqualTo(ModelStatus.LOADING);
            answersAtOnce(f, "docs");
            provider.letGo.countDown();
            assertThat(load).succeedsWithin(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void whileTheProviderCloses() throws Exception {
        StuckProvider provider = new StuckProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS, provider)) {
            f.manager.register("docs", embedding().build(), "a");
            f.manager.load("docs", Duration.ofSeconds(5));
            provider.stuckIn = "close";
            CompletableFuture<Boolean> unload = CompletableFuture.supplyAsync(() -> f.manager.unload("docs"));
            assertThat(provider.entered.await(5, TimeUnit.SECONDS)).isTrue();
            answersAtOnce(f, "docs");
            provider.letGo.countDown();
            assertThat(unload).succeedsWithin(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void whileTheProviderAssesses() throws Exception {
        StuckProvider provider = new StuckProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS, provider)) {
            f.manager.register("docs", embedding().build(), "a");
            provider.stuckIn = "assess"; // the load asks the provider again which can serve the model
            CompletableFuture<?> load = f.manager.loadAsync("docs").toCompletableFuture();
            assertThat(provider.entered.await(5, TimeUnit.SECONDS)).isTrue();
            answersAtOnce(f, "docs");
            provider.stuckIn = "";
            provider.letGo.countDown();
            assertThat(load).succeedsWithin(15, TimeUnit.SECONDS);
            assertThat(f.manager.info("docs").requesters()).containsExactly("a", "another-bundle");
        }
    }

    @Test
    void aProviderThatDoesNotAnswerIsReportedAndTheManagerCarriesOn() throws Exception {
        StuckProvider provider = new StuckProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS.withProviderCallTimeout(Duration.ofMillis(300)), provider)) {
            f.manager.bindProvider(new TestModelProvider("healthy"), Map.of("service.id", 2L, "service.ranking", -1));
            provider.stuckIn = "assess";
            // The stuck provider is asked, gives no answer in time, and the other one serves the model.
            f.manager.register("docs", embedding().build(), "a");
            assertThat(f.manager.embed("docs", List.of("x")).embeddings()).hasSize(1);
            assertThat(f.manager.info("docs").provider()).isEqualTo("healthy");
            provider.letGo.countDown();
        }
    }

    @Test
    void aLoadThatTakesLongerThanTheLoadTimeoutShowsWhyAndAGoodLateInstanceIsTaken() throws Exception {
        StuckProvider provider = new StuckProvider();
        try (Fixture f = new Fixture(Fixture.SETTINGS.withLoadTimeout(Duration.ofMillis(300)), provider)) {
            f.manager.register("docs", embedding().build(), "a");
            provider.stuckIn = "load";
            CompletableFuture<?> load = f.manager.loadAsync("docs").toCompletableFuture();
            assertThat(load).failsWithin(5, TimeUnit.SECONDS);
            await("the hang shows", () -> f.manager.info("docs").reason() != null);
            assertThat(f.manager.info("docs").status()).isEqualTo(ModelStatus.LOADING);
            assertThat(f.manager.info("docs").reason()).contains("provider 'test' has not finished loading it after");
            provider.letGo.countDown();
            await("the late instance is taken", () -> f.manager.info("docs").status() == ModelStatus.LOADED);
        }
    }
}
