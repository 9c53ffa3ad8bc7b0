package dev.modelmanager.health.internal;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/** A real manager (no network: the Hub points nowhere) with the deterministic test provider, for the checks. */
final class RealManager implements AutoCloseable {
    final ModelManagerImpl manager;
    final TestModelProvider provider = new TestModelProvider();

    RealManager(boolean withProvider) throws Exception {
        ManagerSettings s = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work"));
        manager = new ModelManagerImpl(s);
        if (withProvider) {
            manager.bindProvider(provider, Map.of("service.id", 1L));
        }
    }

    static ModelRequirement.Builder embedding() {
        return ModelRequirement.builder(ModelType.EMBEDDING, "org/test-embedder").dimension(16);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(20);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
