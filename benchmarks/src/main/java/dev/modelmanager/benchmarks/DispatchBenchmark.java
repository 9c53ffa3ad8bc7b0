package dev.modelmanager.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * What the manager adds to a call: the same loaded model (the test provider's feature-hashing embedder) called
 * directly ({@code direct}, the baseline) and through {@code ModelManager.embed} ({@code viaManager}: registry
 * lookup, worker queue and thread hop, result assembly). {@link Report} prints their ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DispatchBenchmark {
    @Param({"1", "32"})
    public int texts;

    private ModelManagerImpl manager;
    private EmbeddingModel direct;
    private List<String> batch;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // The cache is off here: the same texts repeat, and this measures dispatch, not cache hits.
        ModelRequirement requirement = ModelRequirement.builder(ModelType.EMBEDDING, "bench/embedder").dimension(384)
            .batchSize(64).cacheEmbeddings(false).build();
        TestModelProvider provider = new TestModelProvider();
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(provider, Map.of("service.id", 1L));
        manager.register("bench", requirement, "benchmark");
        manager.load("bench", Duration.ofSeconds(30));
        manager.register("cached", requirement.toBuilder().cacheEmbeddings(true).build(), "benchmark");
        direct = (EmbeddingModel) provider.load(new LoadRequest("direct", requirement,
            new DeviceInfo("cpu", "cpu", -1, -1, 1), "direct#0", dev.modelmanager.api.spi.ModelFiles.NONE));
        batch = java.util.stream.IntStream.range(0, texts)
            .mapToObj(i -> "the quick brown fox jumps over the lazy dog, sentence number " + i).toList();
        manager.embed("cached", batch); // every later call is a hit
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        direct.close();
        manager.close();
    }

    @Benchmark
    public List<float[]> direct() throws Exception {
        return direct.embed(batch);
    }

    @Benchmark
    public Object viaManager() {
        return manager.embed("bench", batch);
    }

    /** The same call answered entirely from the embedding cache. */
    @Benchmark
    public Object cacheHit() {
        return manager.embed("cached", batch);
    }
}
