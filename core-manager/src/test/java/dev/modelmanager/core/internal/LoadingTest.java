package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.testsupport.TestModelProvider;

class LoadingTest {
    /** Holds loads of models whose name starts with "gated/" until the gate opens; fails the first N loads. */
    static final class GatedProvider extends TestModelProvider {
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger failuresLeft = new AtomicInteger();

        @Override
        public LoadedModel load(LoadRequest request) throws Exception {
            if (request.requirement().name().startsWith("gated/")) {
                gate.await(30, TimeUnit.SECONDS);
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("transient failure");
            }
            return super.load(request);
        }
    }

    private final GatedProvider provider = new GatedProvider();
    private final Fixture fixture = new Fixture(Fixture.SETTINGS, provider);
    private final ModelManagerImpl manager = fixture.manager;

    @AfterEach
    void close() {
        provider.gate.countDown();
        fixture.close();
    }

    @Test
    void registrationDoesNotLoadFirstUseDoes() {
        manager.register("docs", embedding().build(), "a");
        assertThat(provider.loads()).isZero();
        assertThat(manager.info("docs").status()).isEqualTo(ModelStatus.REGISTERED);
        manager.embed("docs", List.of("x"));
        ModelInfo info = manager.info("docs");
        assertThat(info.status()).isEqualTo(ModelStatus.LOADED);
        assertThat(info.provider()).isEqualTo("test");
        assertThat(info.device()).isEqualTo("cpu");
        assertThat(info.workers()).isEqualTo(1);
        assertThat(info.loadedAt()).isNotNull();
        assertThat(info.estimatedMemoryBytes()).isPositive();
    }

    @Test
    void manyConcurrentFirstCallsCauseExactlyOneLoad() throws Exception {
        manager.register("gated", embedding().name("gated/model").hub("gated/model", null).build(), "a");
        int callers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CyclicBarrier start = new CyclicBarrier(callers);
            List<Future<EmbeddingResult>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String text = "text " + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return manager.embed("gated", List.of(text));
                }));
            }
            await("all callers waiting on the load", () -> manager.info("gated").status() == ModelStatus.LOADING);
            Thread.sleep(100);
            provider.gate.countDown();
            for (Future<EmbeddingResult> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).embeddings()).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(provider.loads()).isEqualTo(1);
        assertThat(provider.maxConcurrentLoads()).isEqualTo(1);
    }

    @Test
    void aSlowLoadOfOneModelDoesNotDelayCallsToAnother() throws Exception {
        manager.register("fast", embedding().build(), "a");
        manager.embed("fast", List.of("warm up"));
        manager.register("slow", embedding().name("gated/slow").hub("gated/slow", null).build(), "a");
        CompletableFuture<EmbeddingResult> slowCall = manager.embedAsync("slow", List.of("x")).toCompletableFuture();
        await("slow model loading", () -> manager.info("slow").status() == ModelStatus.LOADING);

        for (int i = 0; i < 50; i++) {
            assertThat(manager.embed("fast", List.of("call " + i)).embeddings()).hasSize(1);
        }
        manager.register("fast-2", embedding().name("other/model").hub("other/model", null).build(), "a");
        manager.embed("fast-2", List.of("another model loads while the slow one still loads"));
        manager.unload("fast");
        assertThat(manager.info("fast").status()).isEqualTo(ModelStatus.UNLOADED);
        assertThat(slowCall).as("the slow load is still going").isNotDone();

        provider.gate.countDown();
        assertThat(slowCall.get(10, TimeUnit.SECONDS).embeddings()).hasSize(1);
    }

    @Test
    void preloadWorkersLoadsAtRegistration() {
        manager.register("docs", embedding().preloadWorkers(1).build(), "a");
        await("preloaded", () -> manager.info("docs").status() == ModelStatus.LOADED);
        assertThat(provider.loads()).isEqualTo(1);
    }

    @Test
    void aFailedPreloadFallsBackToLoadingOnDemand() {
        provider.failuresLeft.set(1);
        manager.register("docs", embedding().preloadWorkers(1).build(), "a");
        await("preload failed", () -> manager.info("docs").status() == ModelStatus.FAILED);
        assertThat(manager.info("docs").reason()).contains("transient failure");
        assertThat(manager.embed("docs", List.of("x")).embeddings()).hasSize(1);
        assertThat(manager.info("docs").status()).isEqualTo(ModelStatus.LOADED);
    }

    @Test
    void aFailingLoadReportsWhyAndIsRetriedOnNextUse() {
        manager.register("broken", embedding().option(TestModelProvider.FAIL_LOAD, "weights are corrupt").build(), "a");
        assertThatThrownBy(() -> manager.embed("broken", List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(e.getMessage()).contains("weights are corrupt").contains("broken");
            });
        assertThat(manager.info("broken").status()).isEqualTo(ModelStatus.FAILED);
        assertThat(manager.info("broken").reason()).contains("weights are corrupt");
        assertThat(fixture.events.topicsOf("broken")).contains("FAILED");
        assertThatThrownBy(() -> manager.embed("broken", List.of("x"))).isInstanceOf(ModelException.class);
        assertThat(manager.info("broken").failures()).isEqualTo(2);
    }

    @Test
    void aDimensionMismatchIsALoadFailureNamingBothSizes() {
        manager.register("docs", embedding().option(TestModelProvider.PRODUCE_DIMENSION, "768").build(), "a");
        assertThatThrownBy(() -> manager.embed("docs", List.of("x")))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                assertThat(e.field()).isEqualTo("dimension");
                assertThat(e.getMessage()).contains("384").contains("768");
            });
        assertThat(provider.open()).as("the rejected instance is closed").isZero();
    }

    @Test
    void explicitUnloadKeepsTheRegistrationAndTheNextCallReloads() {
        manager.register("docs", embedding().build(), "a");
        assertThat(manager.unload("docs")).as("nothing loaded yet").isFalse();
        manager.embed("docs", List.of("x"));
        assertThat(manager.unload("docs")).isTrue();
        assertThat(manager.info("docs").status()).isEqualTo(ModelStatus.UNLOADED);
        assertThat(provider.open()).isZero();
        manager.embed("docs", List.of("not cached yet"));
        assertThat(provider.loads()).isEqualTo(2);
    }

    @Test
    void loadWaitsForTheModelAndTimesOut() {
        manager.register("docs", embedding().build(), "a");
        assertThat(manager.load("docs", Duration.ofSeconds(5)).status()).isEqualTo(ModelStatus.LOADED);

        manager.register("gated", embedding().name("gated/x").hub("gated/x", null).build(), "a");
        assertThatThrownBy(() -> manager.load("gated", Duration.ofMillis(100)))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        provider.gate.countDown();
        assertThat(manager.loadAsync("gated").toCompletableFuture().join().status()).isEqualTo(ModelStatus.LOADED);
    }

    @Test
    void loadWaitsForAProviderToArrive() throws Exception {
        manager.register("later", embedding().provider("later").build(), "a");
        CompletableFuture<ModelInfo> waiting = CompletableFuture.supplyAsync(
            () -> manager.load("later", Duration.ofSeconds(10)));
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        TestModelProvider later = new TestModelProvider("later");
        manager.bindProvider(later, Map.of("service.id", 7L));
        assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(ModelStatus.LOADED);
        manager.unbindProvider(later);
        assertThat(later.open()).isZero();
    }

    @Test
    void callsWaitingForALoadGiveUpAtTheLoadTimeout() {
        try (Fixture impatient = new Fixture(Fixture.SETTINGS.withLoadTimeout(Duration.ofMillis(100)), provider)) {
            impatient.manager.register("gated", embedding().name("gated/y").hub("gated/y", null).build(), "a");
            assertThatThrownBy(() -> impatient.manager.embed("gated", List.of("x")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
            provider.gate.countDown();
            await("the load itself still completes", () -> impatient.manager.info("gated").status() == ModelStatus.LOADED);
        }
    }
}
