package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;

/** {@code /api/v1/providers}, {@code /devices}, {@code /statistics} and {@code /status}: the manager as a whole. */
final class SystemResource {
    private final ModelManager manager;
    private final Supplier<ModelCatalog> catalog;

    SystemResource(ModelManager manager, Supplier<ModelCatalog> catalog) {
        this.manager = manager;
        this.catalog = catalog;
    }

    void addTo(Routes routes) {
        routes.add("GET", "providers", x -> x.write(200, Map.of("providers",
                manager.status().providers().stream().map(Views::provider).toList())))
            .add("GET", "devices", this::devices)
            .add("GET", "statistics", x -> x.write(200, Statistics.of(manager.status(), catalog.get())))
            .add("GET", "status", this::status);
    }

    private void devices(Routes.Exchange x) throws IOException {
        ManagerStatus status = manager.status();
        x.write(200, Map.of("devices", status.devices().stream().map(d -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", d.id());
            v.put("name", d.name());
            v.put("gpu", d.isGpu());
            v.put("total_memory_bytes", d.totalMemoryBytes());
            v.put("free_memory_bytes", d.freeMemoryBytes());
            v.put("parallelism", d.parallelism());
            v.put("models", status.models().stream().filter(m -> d.id().equals(m.device()))
                .map(ModelInfo::modelId).toList());
            return v;
        }).toList()));
    }

    private void status(Routes.Exchange x) throws IOException {
        ManagerStatus s = manager.status();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("registered_models", s.registeredModels());
        v.put("loaded_models", s.loadedModels());
        v.put("default_model", s.defaultModel());
        v.put("embedding_cache", Views.cache(s.embeddingCache()));
        v.put("memory", s.memory().stream().map(m -> {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("device", m.device());
            u.put("budget_bytes", m.unlimited() ? null : m.budgetBytes());
            u.put("reserved_bytes", m.reservedBytes());
            u.put("models", m.models());
            return u;
        }).toList());
        v.put("providers", s.providers().stream().map(Views::provider).toList());
        v.put("models", Views.models(s.models()));
        x.write(200, v);
    }
}
