package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.modelmanager.core.internal.cache.CacheSettings;
import dev.modelmanager.api.CacheStats;
import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.core.internal.source.ResourceLocator;
import dev.modelmanager.testsupport.TestModelProvider;

class EmbeddingCacheTest {
    /** A clock the test moves by hand. */
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final TestModelProvider provider = new TestModelProvider();
    private ModelManagerImpl manager = manager(Fixture.SETTINGS.withIdleTimeout(Duration.ofMinutes(5)));

    private ModelManagerImpl manager(ManagerSettings settings) {
        ModelManagerImpl m = new ModelManagerImpl(settings, ResourceLocator.of(getClass().getClassLoader()), ticker);
        m.bindProvider(provider, Map.of("service.id", 1L));
        return m;
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static List<Boolean> cached(EmbeddingResult result) {
        return result.embeddings().stream().map(Embedding::cached).toList();
    }

    @Test
    void repeatedTextsComeFromTheCacheInInputOrder() {
        manager.register("docs", embedding().build(), "a");
        EmbeddingResult first = manager.embed("docs", List.of("alpha", "beta"));
        assertThat(cached(first)).containsExactly(false, false);
        EmbeddingResult second = manager.embed("docs", List.of("beta", "gamma", "alpha"));
        assertThat(cached(second)).containsExactly(true, false, true);
        assertThat(second.vectors().get(0)).containsExactly(first.vectors().get(1));
        assertThat(second.vectors().get(2)).containsExactly(first.vectors().get(0));
        assertThat(second.embeddings().get(0).workerId()).isNull();
        assertThat(second.embeddings().get(1).workerId()).isEqualTo("docs#0");
        assertThat(manager.info("docs").cache()).isEqualTo(new CacheStats(3, 2, 3));
        assertThat(manager.info("docs").cache().hitRate()).isEqualTo(0.4);
        assertThat(manager.status().embeddingCache().hits()).isEqualTo(2);
    }

    @Test
    void aFullyCachedCallNeedsNoLoadedModel() {
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("alpha"));
        manager.unload("docs");
        assertThat(cached(manager.embed("docs", List.of("alpha")))).containsExactly(true);
        assertThat(manager.info("docs").status()).isEqualTo(ModelStatus.UNLOADED);
        assertThat(provider.loads()).isEqualTo(1);
    }

    @Test
    void vectorsExpireAfterTheTtl() {
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("alpha"));
        nanos.addAndGet(Duration.ofMinutes(59).toNanos());
        assertThat(cached(manager.embed("docs", List.of("alpha")))).containsExactly(true);
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(cached(manager.embed("docs", List.of("alpha")))).containsExactly(false);
    }

    @Test
    void theCacheIsBoundedBySize() {
        manager.close();
        manager = manager(Fixture.SETTINGS.withCache(new CacheSettings(true, 2, Duration.ofHours(1))));
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("a", "b", "c", "d"));
        manager.embed("docs", List.of("e"));
        assertThat(manager.info("docs").cache().size()).isLessThanOrEqualTo(2);
    }

    @Test
    void aRequirementCanOptOutAndTheCacheCanBeSwitchedOff() {
        manager.register("fresh", embedding().cacheEmbeddings(false).build(), "a");
        manager.embed("fresh", List.of("alpha"));
        assertThat(cached(manager.embed("fresh", List.of("alpha")))).containsExactly(false);
        assertThat(manager.info("fresh").cache()).isNull();

        manager.close();
        manager = manager(Fixture.SETTINGS.withCache(new CacheSettings(false, 10, Duration.ofHours(1))));
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("alpha"));
        assertThat(cached(manager.embed("docs", List.of("alpha")))).containsExactly(false);
    }

    @Test
    void aProviderThatLeavesTakesItsCachedVectorsWithIt() {
        manager.register("docs", embedding().build(), "a");
        manager.embed("docs", List.of("alpha"));
        manager.unbindProvider(provider);
        manager.bindProvider(provider, Map.of("service.id", 2L));
        assertThat(cached(manager.embed("docs", List.of("alpha")))).containsExactly(false);
    }
}
