package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelType;

/**
 * {@code /api/v1/catalog}: entries by capability ({@code ?capability=}, repeatable), minimum context window,
 * provider and model type; {@code /catalog/{name}} (names may hold '/'); {@code /catalog/compare?models=a,b};
 * {@code /catalog/problems}.
 */
final class CatalogResource {
    private final Supplier<ModelCatalog> catalog;

    CatalogResource(Supplier<ModelCatalog> catalog) {
        this.catalog = catalog;
    }

    void addTo(Routes routes) {
        routes.add("GET", "catalog", this::query)
            .add("GET", "catalog/compare", this::compare)
            .add("GET", "catalog/problems", x -> x.write(200, Map.of("problems", catalog().problems())))
            .add("GET", "catalog/history", this::history)
            .add("POST", "models/discover", x -> x.write(200, discovery(catalog().discover())))
            .add("GET", "catalog/{name*}", x -> x.write(200, entry(catalog().find(x.param(0)).orElseThrow(() ->
                ApiError.notFound("the catalog has no model " + x.param(0))))));
    }

    /** What a discovery found: every entry, what came and went, which sources could not be asked. */
    private static Map<String, Object> discovery(dev.modelmanager.api.CatalogDiscovery d) {
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("discovered_at", d.at().toString());
        v.put("added", d.added());
        v.put("gone", d.gone());
        v.put("failures", d.failures());
        v.put("entries", d.entries().stream().map(CatalogResource::entry).toList());
        return v;
    }

    /** {@code ?name=}: how that model's definitions changed (added, changed with the fields, removed). */
    private void history(Routes.Exchange x) throws IOException {
        String name = x.request().getParameter("name");
        if (name == null || name.isBlank()) {
            throw ApiError.badRequest("name", "name: the model name is required (?name=...)");
        }
        x.write(200, Map.of("name", name, "changes", catalog().history(name).stream().map(c -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("at", c.at().toString());
            v.put("provider", c.provider());
            v.put("change", c.kind());
            v.put("fields", c.fields());
            v.put("origin", c.origin());
            v.put("before", c.before() == null ? null : entry(c.before()));
            v.put("after", c.after() == null ? null : entry(c.after()));
            return v;
        }).toList()));
    }

    ModelCatalog catalog() {
        ModelCatalog c = catalog.get();
        if (c == null) {
            throw new ApiError(503, "server_error", "no_catalog", null, "the model catalog service is not running");
        }
        return c;
    }

    private void query(Routes.Exchange x) throws IOException {
        ModelCatalog c = catalog();
        String[] capabilities = x.request().getParameterValues("capability");
        Integer minContext;
        try {
            String v = x.request().getParameter("min_context_window");
            minContext = v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("min_context_window", "min_context_window: must be a whole number");
        }
        String type = x.request().getParameter("model_type");
        ModelType modelType;
        try {
            modelType = type == null ? null : ModelType.fromId(type);
        } catch (RuntimeException e) {
            throw ApiError.badRequest("model_type", "model_type: unknown model type '" + type + "'");
        }
        List<CatalogEntry> entries = c.query(capabilities == null ? null : List.of(capabilities), minContext,
            x.request().getParameter("provider"), modelType);
        x.write(200, Map.of("models", entries.stream().map(CatalogResource::entry).toList(), "count", entries.size()));
    }

    private void compare(Routes.Exchange x) throws IOException {
        ModelCatalog c = catalog();
        String models = x.request().getParameter("models");
        if (models == null || models.isBlank()) {
            throw ApiError.badRequest("models", "models: give the names to compare, comma separated");
        }
        x.write(200, Map.of("models", c.compare(List.of(models.split(","))).stream().map(CatalogResource::entry)
            .toList()));
    }

    static Map<String, Object> entry(CatalogEntry e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", e.name());
        v.put("provider", e.provider());
        v.put("model_type", e.modelType().id());
        v.put("description", e.description());
        v.put("context_window", e.contextWindow());
        v.put("max_output_tokens", e.maxOutputTokens());
        Map<String, Object> pricing = new LinkedHashMap<>();
        pricing.put("input_per_million", e.inputPricePerMillion());
        pricing.put("output_per_million", e.outputPricePerMillion());
        v.put("pricing", pricing);
        v.put("capabilities", e.capabilities());
        v.put("dimension", e.dimension());
        v.put("deprecated", e.deprecated() == null ? null : e.deprecated().toString());
        v.put("default", e.isDefault());
        v.put("metadata", e.metadata());
        v.put("origin", e.origin());
        v.put("updated_at", e.updatedAt() == null ? null : e.updatedAt().toString());
        return v;
    }
}
