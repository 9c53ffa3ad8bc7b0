package dev.modelmanager.core.internal.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The Reactive Streams TCK's publisher rules (a test suite this project did not write) against a real manager's
 * generation streams, with the test provider, whose generator answers a prompt of n words with n pieces: a stream
 * of n elements is a prompt of n - 1 words (the last chunk carries the finish reason). The failed publisher is a
 * stream for a model that is not registered.
 */
abstract class ManagerStreamVerification extends FlowPublisherVerification<GenerationChunk> {
    protected ModelManagerImpl manager;

    ManagerStreamVerification() {
        super(new TestEnvironment(2_000, 500), 1_000);
    }

    @BeforeClass
    public void startManager() throws Exception {
        Path dir = Files.createTempDirectory("modelmanager-tck");
        // Many slots: the TCK subscribes many times, and not every subscriber requests or cancels at once.
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO).withQueue(64, 512)
            .builder().streamStallTimeout(Duration.ofSeconds(2)).build()
            .withHub(new HubSettings("http://127.0.0.1:9", null, dir.resolve("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(1)), dir.resolve("work")));
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
        manager.register("story", ModelRequirement.builder(ModelType.TEXT_GENERATION, "tck/story").build(), "tck");
        manager.load("story", Duration.ofSeconds(10));
    }

    @AfterClass(alwaysRun = true)
    public void stopManager() {
        if (manager != null) {
            manager.close();
        }
    }

    static String prompt(long elements) {
        return String.join(" ", Collections.nCopies((int) Math.max(0, elements - 1), "word"));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1_024;
    }

    @Override
    public Flow.Publisher<GenerationChunk> createFailedFlowPublisher() {
        return manager.stream("not-registered", "a b", null);
    }
}
