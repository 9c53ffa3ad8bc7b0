package dev.modelmanager.testsupport;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Component;

import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;

/**
 * The {@code test} provider: serves every model type with the deterministic algorithms of {@link TestModel},
 * and counts what it does so that tests can check the manager's bookkeeping.
 */
@Component(service = {ModelProvider.class, TestModelProvider.class}, property = {
    ModelManagerConstants.PROVIDER_NAME + "=test",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=embedding",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=text_generation",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=text2text",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=classification"
})
public class TestModelProvider implements ModelProvider {
    /** Requirement option: milliseconds each load takes. */
    public static final String LOAD_DELAY_MS = "load_delay_ms";
    /** Requirement option: make loads fail with this message. */
    public static final String FAIL_LOAD = "fail_load";
    /** Requirement option: make calls fail with this message. */
    public static final String FAIL_INFERENCE = "fail_inference";
    /** Requirement option: milliseconds between generated tokens. */
    public static final String TOKEN_DELAY_MS = "token_delay_ms";
    /** Requirement option: milliseconds every embedding call takes, whatever its size (a fixed per-batch cost). */
    public static final String BATCH_DELAY_MS = "batch_delay_ms";
    /** Requirement option: the embedding size actually produced (to test the dimension check). */
    public static final String PRODUCE_DIMENSION = "produce_dimension";
    /** Option: {@code per_call} makes instances state {@code BatchPolicy.PER_CALL}. */
    public static final String BATCH_POLICY = "batch_policy";
    /** Option: the concurrency instances state. */
    public static final String CONCURRENCY = "concurrency";
    /** Option: named prompts of an embedder, {@code name=text;name=text}. */
    public static final String PROMPTS = "prompts";
    /**
     * Option: how an embedder counts tokens (words plus two, truncated at {@code max_input_length}): {@code words}
     * (default) per text, {@code total} for the whole call only (as OpenAI's {@code usage}), {@code none} not at all.
     */
    public static final String COUNT_TOKENS = "count_tokens";

    private final String name;
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger loadAttempts = new AtomicInteger();
    /** The first sizes only (benchmarks make millions of calls); a plain synchronized list, cheap to add to. */
    private static final int RECORDED = 100_000;
    private final java.util.List<Integer> embedBatches = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /** The texts of the first embedding calls, for tests that look at how they were batched. */
    private static final int RECORDED_TEXTS = 1_000;
    private final java.util.List<java.util.List<String>> embedTexts =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger loading = new AtomicInteger();
    private final AtomicInteger maxConcurrentLoads = new AtomicInteger();
    private final AtomicInteger embedsInFlight = new AtomicInteger();
    private final AtomicInteger maxConcurrentEmbeds = new AtomicInteger();

    public TestModelProvider() {
        this("test");
    }

    public TestModelProvider(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<ModelType> modelTypes() {
        return Set.of(ModelType.values());
    }

    @Override
    public ProviderFit assess(ModelRequirement requirement) {
        return ProviderFit.supported(10);
    }

    @Override
    public long estimateMemory(ModelRequirement requirement, DeviceInfo device) {
        int dimension = requirement.dimension() == null ? TestModel.DEFAULT_DIMENSION : requirement.dimension();
        return (long) dimension * Float.BYTES * TestModel.BUCKET_ROWS;
    }

    @Override
    public LoadedModel load(LoadRequest request) throws Exception {
        loadAttempts.incrementAndGet();
        int now = loading.incrementAndGet();
        maxConcurrentLoads.accumulateAndGet(now, Math::max);
        try {
            ModelRequirement requirement = request.requirement();
            long delay = Long.parseLong(requirement.options().getOrDefault(LOAD_DELAY_MS, "0"));
            if (delay > 0) {
                Thread.sleep(delay);
            }
            String failure = requirement.options().get(FAIL_LOAD);
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            loads.incrementAndGet();
            return TestModel.create(requirement, request.device().id(), closes::incrementAndGet, new TestModel.Calls() {
                @Override
                public void started(int size) {
                    maxConcurrentEmbeds.accumulateAndGet(embedsInFlight.incrementAndGet(), Math::max);
                    if (embedBatches.size() < RECORDED) {
                        embedBatches.add(size);
                    }
                }

                @Override
                public void started(java.util.List<String> texts) {
                    started(texts.size());
                    if (embedTexts.size() < RECORDED_TEXTS) {
                        embedTexts.add(java.util.List.copyOf(texts));
                    }
                }

                @Override
                public void ended() {
                    embedsInFlight.decrementAndGet();
                }
            });
        } finally {
            loading.decrementAndGet();
        }
    }

    /**
     * The sizes of the embedding and classification calls the provider's models received, in order
     * (the first 100,000).
     */
    public java.util.List<Integer> embedBatches() {
        synchronized (embedBatches) {
            return java.util.List.copyOf(embedBatches);
        }
    }

    /** The texts of each embedding call the provider's models received, in order (the first 1,000 calls). */
    public java.util.List<java.util.List<String>> embedTexts() {
        synchronized (embedTexts) {
            return java.util.List.copyOf(embedTexts);
        }
    }

    /** Instances loaded successfully so far. */
    public int loads() {
        return loads.get();
    }

    /** Loads asked of this provider so far, failed ones included. */
    public int loadAttempts() {
        return loadAttempts.get();
    }

    /** Instances closed so far. */
    public int closes() {
        return closes.get();
    }

    /** Instances loaded and not closed. */
    public int open() {
        return loads.get() - closes.get();
    }

    /** The most embedding calls its models ran at the same time. */
    public int maxConcurrentEmbeds() {
        return maxConcurrentEmbeds.get();
    }

    /** The most loads that ran at the same time. */
    public int maxConcurrentLoads() {
        return maxConcurrentLoads.get();
    }
}
