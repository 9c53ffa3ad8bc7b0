package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;

/**
 * {@code /api/v1/providers} (and a provider's {@code /models}), {@code /devices}, {@code /statistics}, {@code /status}
 * and {@code POST /models/save-state}: the manager as a whole.
 */
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
            .add("GET", "status", this::status)
            .add("GET", "providers/{name}/models", this::providerModels)
            .add("GET", "usage", this::usage)
            .add("POST", "models/save-state", x -> {
                dev.modelmanager.api.StateSave saved = manager.saveState();
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("path", saved.path());
                v.put("models", saved.models());
                v.put("saved_at", saved.at().toString());
                x.write(200, v);
            });
    }

    /** Who used what, by requester and model, and each model's totals (with its cost where the catalog prices it). */
    private void usage(Routes.Exchange x) throws IOException {
        List<dev.modelmanager.api.RequesterUsage> usage = manager.usage();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("usage", usage.stream().map(u -> usage(u, true)).toList());
        v.put("models", dev.modelmanager.api.RequesterUsage.perModel(usage).stream().map(u -> usage(u, false)).toList());
        x.write(200, v);
    }

    private static Map<String, Object> usage(dev.modelmanager.api.RequesterUsage u, boolean withRequester) {
        Map<String, Object> v = new LinkedHashMap<>();
        if (withRequester) {
            v.put("requester", u.requester());
        }
        v.put("model", u.modelId());
        v.put("calls", u.calls());
        v.put("failures", u.failures());
        v.put("items", u.items());
        v.put("prompt_tokens", u.promptTokens());
        v.put("generated_tokens", u.generatedTokens());
        v.put("cost", u.cost());
        return v;
    }

    /** A provider's models: those it serves now and those the catalog lists for it. */
    private void providerModels(Routes.Exchange x) throws IOException {
        String name = x.param(0);
        ManagerStatus s = manager.status();
        ModelCatalog c = catalog.get();
        List<CatalogEntry> listed = c == null ? List.of() : c.query(null, null, name, null);
        boolean known = s.providers().stream().anyMatch(p -> p.name().equals(name));
        if (!known && listed.isEmpty()) {
            throw ApiError.notFound("no provider named " + name + " (known: " + String.join(", ",
                s.providers().stream().map(p -> p.name()).sorted().toList()) + ")");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("provider", name);
        v.put("models", Views.models(s.models().stream().filter(m -> name.equals(m.provider())).toList()));
        v.put("catalog", listed.stream().map(CatalogResource::entry).toList());
        x.write(200, v);
    }

    private void devices(Routes.Exchange x) throws IOException {
        ManagerStatus status = manager.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("devices", status.devices().stream().map(d -> {
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
        }).toList());
        // Why a device provider reports no devices, e.g. "no NVIDIA GPU: libnvidia-ml.so.1 not found and ...".
        body.put("problems", status.deviceProblems());
        x.write(200, body);
    }

    private void status(Routes.Exchange x) throws IOException {
        x.write(200, status(manager.status()));
    }

    /** The view of the manager's status ({@code /api/v1/status}, {@code /model-status}). */
    static Map<String, Object> status(ManagerStatus s) {
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
        v.put("device_problems", s.deviceProblems());
        // Why a manager setting does not take effect, e.g. a hub.token.file that cannot be read (never a secret).
        v.put("settings_problems", s.settingsProblems());
        v.put("models", Views.models(s.models()));
        return v;
    }
}
