package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/** A manager wired to the test provider, as DS would wire it, plus small helpers. */
final class Fixture implements AutoCloseable {
    /** Hermetic: an offline Hub with a private, empty cache, so that no test reaches the network. */
    static final ManagerSettings SETTINGS = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
        .withLoadTimeout(Duration.ofSeconds(20)).withProviderDrainTimeout(Duration.ofSeconds(2))
        .withHub(new HubSettings("http://127.0.0.1:9", null, tempDir("hub-cache"), true, false,
            Duration.ofSeconds(1), Duration.ofSeconds(5)), tempDir("work"));

    static Path tempDir(String name) {
        try {
            Path dir = Files.createTempDirectory("modelmanager-test-" + name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    final ModelManagerImpl manager;
    final TestModelProvider provider;
    final RecordingEventAdmin events = new RecordingEventAdmin();

    Fixture() {
        this(SETTINGS, new TestModelProvider());
    }

    Fixture(ManagerSettings settings, TestModelProvider provider) {
        this.manager = new ModelManagerImpl(settings);
        this.provider = provider;
        manager.bindEventAdmin(events);
        manager.bindProvider(provider, Map.of("service.id", 1L));
    }

    static ModelRequirement.Builder embedding() {
        return ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/all-MiniLM-L6-v2").dimension(384);
    }

    static ModelRequirement.Builder generation() {
        return ModelRequirement.builder(ModelType.TEXT_GENERATION, "ggml-org/models");
    }

    /** Waits until the condition holds, failing after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(10), condition);
    }

    @Override
    public void close() {
        manager.close();
        assertThat(provider.open()).as("instances left open after the manager closed").isZero();
    }

    /** Collects the events the manager posts. */
    static final class RecordingEventAdmin implements EventAdmin {
        final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void postEvent(Event event) {
            events.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            events.add(event);
        }

        List<String> topicsOf(String modelId) {
            return events.stream().filter(e -> modelId.equals(e.getProperty("model.id")))
                .map(e -> e.getTopic().substring(e.getTopic().lastIndexOf('/') + 1)).toList();
        }
    }
}
