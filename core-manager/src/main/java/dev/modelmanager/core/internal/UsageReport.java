package dev.modelmanager.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;
import dev.modelmanager.core.internal.lifecycle.RequesterCounters;

/**
 * {@link dev.modelmanager.api.ModelManager#usage()}: every model's calls by requester, live ones and those of models
 * released since the manager started, priced with the catalog's per-token prices of the model's name.
 */
final class UsageReport {
    private final ModelRegistry registry;
    private final Supplier<ModelCatalog> catalog;
    /** Model id → requester → counts, of entries that went. */
    private final Map<String, Map<String, RequesterCounters.Counts>> retained = new ConcurrentHashMap<>();
    /** Model id → model name, for the prices of what went. */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    UsageReport(ModelRegistry registry, Supplier<ModelCatalog> catalog) {
        this.registry = registry;
        this.catalog = catalog;
    }

    /** An entry left the registry: its counts are kept. */
    void removed(ModelEntry entry) {
        Map<String, RequesterCounters.Counts> counts = entry.usage();
        if (!counts.isEmpty()) {
            retained.merge(entry.id(), counts, RequesterCounters::sum);
            names.put(entry.id(), entry.requirement().name());
        }
    }

    List<RequesterUsage> list() {
        Map<String, Map<String, RequesterCounters.Counts>> byModel = new TreeMap<>();
        Map<String, String> modelNames = new TreeMap<>(names);
        retained.forEach((id, counts) -> byModel.put(id, counts));
        for (ModelEntry entry : registry.all()) {
            byModel.merge(entry.id(), entry.usage(), RequesterCounters::sum);
            modelNames.put(entry.id(), entry.requirement().name());
        }
        ModelCatalog prices = catalog.get();
        List<RequesterUsage> all = new ArrayList<>();
        byModel.forEach((id, counts) -> {
            CatalogEntry listed = prices == null ? null : prices.find(modelNames.get(id)).orElse(null);
            counts.forEach((requester, c) -> all.add(new RequesterUsage(requester, id, c.calls(), c.failures(),
                c.items(), c.promptTokens(), c.generatedTokens(),
                listed == null ? null : listed.cost(c.promptTokens(), c.generatedTokens()))));
        });
        all.sort(Comparator.comparing(RequesterUsage::requester).thenComparing(RequesterUsage::modelId));
        return all;
    }
}
