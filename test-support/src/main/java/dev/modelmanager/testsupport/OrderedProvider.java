package dev.modelmanager.testsupport;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;
import dev.modelmanager.api.spi.TokenSink;

/**
 * A text generation provider ({@code ordered}) for tests of the order in which calls run: its models generate their
 * prompt back as one token, record each prompt in {@link #ran} as it starts, and hold every call until the test opens
 * {@link #gate} (so that, with one worker, the first call keeps the others queued until all have arrived).
 */
public final class OrderedProvider implements ModelProvider {
    /** The prompts in the order their calls started. */
    public final List<String> ran = new CopyOnWriteArrayList<>();
    /** Opened by the test; calls wait for it (at most 20 s, then fail). */
    public final CountDownLatch gate = new CountDownLatch(1);
    private final int score;

    /** @param score how well it says it fits every requirement ({@link ProviderFit#supported}) */
    public OrderedProvider(int score) {
        this.score = score;
    }

    @Override
    public String name() {
        return "ordered";
    }

    @Override
    public Set<ModelType> modelTypes() {
        return Set.of(ModelType.TEXT_GENERATION);
    }

    @Override
    public ProviderFit assess(ModelRequirement requirement) {
        return ProviderFit.supported(score);
    }

    @Override
    public long estimateMemory(ModelRequirement requirement, DeviceInfo device) {
        return 1024;
    }

    @Override
    public LoadedModel load(LoadRequest request) {
        return new Model(request.device().id());
    }

    private final class Model implements LoadedModel, GenerationModel {
        private final String device;

        Model(String device) {
            this.device = device;
        }

        @Override
        public String device() {
            return device;
        }

        @Override
        public long memoryBytes() {
            return 1024;
        }

        @Override
        public Completion generate(String prompt, GenerationOptions options, TokenSink sink) throws Exception {
            ran.add(prompt);
            if (!gate.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            sink.accept(prompt);
            return new Completion(prompt, FinishReason.STOP, new TokenUsage(1, 1));
        }

        @Override
        public void close() {
        }
    }
}
