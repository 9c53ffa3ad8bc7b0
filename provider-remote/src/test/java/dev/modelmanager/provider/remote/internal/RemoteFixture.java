package dev.modelmanager.provider.remote.internal;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;

/** A real manager with the remote provider bound, a local server, and the retry waits recorded instead of slept. */
final class RemoteFixture implements AutoCloseable {
    final FakeServer server;
    final ModelManagerImpl manager;
    final RemoteProvider provider;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    RemoteFixture() throws Exception {
        server = new FakeServer();
        ManagerSettings s = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work"));
        manager = new ModelManagerImpl(s);
        provider = new RemoteProvider();
        manager.bindProvider(provider, Map.of("service.id", 1L));
    }

    /** An endpoint on the local server: short timeouts, quick recorded retries, a circuit of the given threshold. */
    RemoteEndpoint endpoint(String name, EndpointSettings.Kind kind, int retries, int circuitFailures) {
        EndpointSettings settings = EndpointSettings.of(name, kind, server.url(), null)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withRetries(retries, Duration.ofMillis(10), Duration.ofMillis(40))
            .withCircuit(circuitFailures, Duration.ofMinutes(1));
        RemoteEndpoint endpoint = new RemoteEndpoint(settings, sleeps::add);
        provider.add(endpoint);
        return endpoint;
    }

    static ModelRequirement.Builder remote(ModelType type, String endpoint, String model) {
        return ModelRequirement.builder(type, model).source(new ModelSource.Remote(endpoint, model));
    }

    /** Waits (at most 10 s) until discovery has put at least {@code count} entries in the catalog. */
    void awaitEntries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (provider.entries().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        manager.close();
        provider.deactivate();
        server.close();
    }
}
