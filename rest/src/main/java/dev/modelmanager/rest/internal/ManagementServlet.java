package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.RequirementProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The management API under {@code /api/v1}:
 * <pre>
 * GET    /api/v1/models                   every registered model (?provider=, ?status=, ?model_type= filter)
 * GET    /api/v1/models/loaded            the loaded ones, and the current (default) model
 * GET    /api/v1/models/current           the default model ("current")
 * PUT    /api/v1/models/current           {"model": id}: switch the default model (also POST /api/v1/models/switch)
 * GET    /api/v1/models/statistics        the same as /api/v1/statistics
 * GET    /api/v1/models/{id}/capabilities what the model can be asked to do
 * POST   /api/v1/models                   {"id", "requirement": {...}, "requester"?}: register
 * GET    /api/v1/models/{id}              one model
 * DELETE /api/v1/models/{id}?requester=   release (the REST requester unless named)
 * POST   /api/v1/models/{id}/load         {"timeout_seconds"?}: load and wait
 * POST   /api/v1/models/{id}/unload       unload (it loads again on the next call)
 * DELETE /api/v1/models/{id}/cache        empty its embedding cache
 * GET    /api/v1/providers                providers and the model types they serve (capabilities)
 * GET    /api/v1/devices                  devices models can run on, with their memory
 * GET    /api/v1/catalog                  catalog entries (?capability= repeatable, ?min_context_window=,
 *                                         ?provider=, ?model_type=); /catalog/{name}; /catalog/compare?models=a,b;
 *                                         /catalog/problems
 * GET    /api/v1/aliases                  aliases and their targets
 * PUT    /api/v1/aliases/{name}           {"model", "timeout_seconds"?}: switch an alias without downtime
 * DELETE /api/v1/aliases/{name}           remove an alias
 * POST   /api/v1/models/{id}/profile      {"requests"?: 10}: run standard calls, report latency and throughput
 * GET    /api/v1/statistics               totals by provider, model type and status, and per model
 * GET    /api/v1/status                   the manager's status
 * </pre>
 */
final class ManagementServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;

    private final transient ModelManager manager;
    private final transient Supplier<dev.modelmanager.api.ModelCatalog> catalog;

    ManagementServlet(ModelManager manager, Supplier<RestSettings> settings) {
        this(manager, settings, () -> null);
    }

    ManagementServlet(ModelManager manager, Supplier<RestSettings> settings,
                      Supplier<dev.modelmanager.api.ModelCatalog> catalog) {
        super(settings);
        this.manager = manager;
        this.catalog = catalog;
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        if (path.isEmpty()) {
            throw ApiError.notFound("see /api/v1/models, /api/v1/aliases, /api/v1/providers, /api/v1/devices, "
                + "/api/v1/statistics, /api/v1/status");
        }
        switch (path.get(0)) {
            case "models" -> models(method, path.subList(1, path.size()), request, response);
            case "providers" -> {
                require(method, "GET", request);
                Json.write(response, 200, Map.of("providers",
                    manager.status().providers().stream().map(Views::provider).toList()));
            }
            case "aliases" -> aliases(method, path.subList(1, path.size()), request, response);
            case "catalog" -> {
                require(method, "GET", request);
                catalog(path.subList(1, path.size()), request, response);
            }
            case "devices" -> {
                require(method, "GET", request);
                ManagerStatus status = manager.status();
                Json.write(response, 200, Map.of("devices", status.devices().stream().map(d -> {
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
            case "statistics" -> {
                require(method, "GET", request);
                Json.write(response, 200, statistics(manager.status(), catalog.get()));
            }
            case "status" -> {
                require(method, "GET", request);
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
                Json.write(response, 200, v);
            }
            default -> throw ApiError.notFound("no such resource: " + request.getRequestURI());
        }
    }

    private void models(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        if (path.isEmpty()) {
            if (method.equals("GET")) {
                List<ModelInfo> models = manager.list().stream().filter(m -> matches(request, m)).toList();
                Json.write(response, 200, Map.of("models", Views.models(models), "count", models.size()));
            } else if (method.equals("POST")) {
                register(request, response);
            } else {
                throw ApiError.methodNotAllowed(method, request.getRequestURI());
            }
            return;
        }
        String id = path.get(0);
        if (path.size() == 1 && id.equals("loaded") && method.equals("GET")) {
            List<ModelInfo> loaded = manager.list().stream().filter(m -> m.status() == ModelStatus.LOADED).toList();
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("models", Views.models(loaded));
            v.put("count", loaded.size());
            v.put("current_model", manager.defaultModel().orElse(null));
            Json.write(response, 200, v);
            return;
        }
        if (path.size() == 1 && (id.equals("current") || id.equals("switch"))) {
            current(id.equals("switch") ? "PUT" : method, request, response);
            return;
        }
        if (path.size() == 1 && id.equals("statistics") && method.equals("GET")) {
            Json.write(response, 200, statistics(manager.status(), catalog.get()));
            return;
        }
        if (path.size() == 1) {
            switch (method) {
                case "GET" -> Json.write(response, 200, Views.model(manager.info(id)));
                case "DELETE" -> {
                    String requester = request.getParameter("requester");
                    String who = requester == null || requester.isBlank() ? settings.get().requester() : requester;
                    int left = manager.release(id, who);
                    Json.write(response, 200, Map.of("id", id, "requester", who, "reference_count", left));
                }
                default -> throw ApiError.methodNotAllowed(method, request.getRequestURI());
            }
            return;
        }
        String action = path.get(1);
        switch (action) {
            case "load" -> {
                require(method, "POST", request);
                Integer timeout = request.getContentLengthLong() > 0 ? Json.integer(body(request), "timeout_seconds") : null;
                ModelInfo info = manager.load(id, timeout == null ? null : Duration.ofSeconds(timeout));
                Json.write(response, 200, Views.model(info));
            }
            case "unload" -> {
                require(method, "POST", request);
                Json.write(response, 200, Map.of("id", id, "unloaded", manager.unload(id)));
            }
            case "profile" -> {
                require(method, "POST", request);
                Integer n = null;
                if (request.getContentLengthLong() > 0) {
                    ObjectNode body = body(request);
                    n = Json.integer(body, "requests");
                    if (n == null) {
                        n = Json.integer(body, "testCount");
                    }
                }
                dev.modelmanager.api.ProfileResult p = manager.profile(id, n == null ? 10 : n);
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("id", p.modelId());
                v.put("requests", p.requests());
                v.put("failures", p.failures());
                v.put("success_rate", p.successRate());
                v.put("latency_mean_seconds", p.meanLatencySeconds());
                v.put("latency_p50_seconds", p.p50LatencySeconds());
                v.put("latency_p95_seconds", p.p95LatencySeconds());
                v.put("items_per_second", p.itemsPerSecond());
                v.put("tokens_per_second", p.tokensPerSecond());
                v.put("memory_bytes", p.memoryBytes());
                v.put("finished_at", p.finishedAt().toString());
                Json.write(response, 200, v);
            }
            case "capabilities" -> {
                require(method, "GET", request);
                ModelInfo info = manager.info(id);
                List<String> byType = capabilities(info);
                List<String> declared = catalog.get() == null ? List.of() : catalog.get().find(info.name())
                    .map(e -> List.copyOf(e.capabilities())).orElse(List.of());
                List<String> detected = detected(info);
                java.util.Set<String> all = new java.util.TreeSet<>(byType);
                all.addAll(declared);
                all.addAll(detected);
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("id", info.modelId());
                v.put("model_type", info.modelType().id());
                v.put("capabilities", List.copyOf(all));
                v.put("from_model_type", byType);
                v.put("declared_in_catalog", declared);
                v.put("detected_from_loaded_model", detected);
                Json.write(response, 200, v);
            }
            case "cache" -> {
                require(method, "DELETE", request);
                manager.clearEmbeddingCache(id);
                Json.write(response, 200, Map.of("id", id, "cache", "cleared"));
            }
            default -> throw ApiError.notFound("no such action: " + action);
        }
    }

    private void aliases(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        if (path.isEmpty()) {
            require(method, "GET", request);
            Json.write(response, 200, Map.of("aliases", manager.aliases()));
            return;
        }
        String alias = path.get(0);
        switch (method) {
            case "PUT", "POST" -> {
                ObjectNode body = body(request);
                String model = Json.text(body, "model", true);
                Integer timeout = Json.integer(body, "timeout_seconds");
                ModelInfo target = manager.switchAlias(alias, model, Duration.ofSeconds(timeout == null ? 120 : timeout));
                Json.write(response, 200, Map.of("alias", alias, "model", target.modelId(), "status",
                    target.status().name()));
            }
            case "DELETE" -> {
                if (!manager.removeAlias(alias)) {
                    throw ApiError.notFound("no alias " + alias);
                }
                Json.write(response, 200, Map.of("alias", alias, "removed", true));
            }
            default -> throw ApiError.methodNotAllowed(method, request.getRequestURI());
        }
    }

    private void catalog(List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        dev.modelmanager.api.ModelCatalog c = catalog.get();
        if (c == null) {
            throw new ApiError(503, "server_error", "no_catalog", null, "the model catalog service is not running");
        }
        if (path.isEmpty()) {
            String[] capabilities = request.getParameterValues("capability");
            Integer minContext;
            try {
                String v = request.getParameter("min_context_window");
                minContext = v == null ? null : Integer.valueOf(v);
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("min_context_window", "min_context_window: must be a whole number");
            }
            String type = request.getParameter("model_type");
            dev.modelmanager.api.ModelType modelType;
            try {
                modelType = type == null ? null : dev.modelmanager.api.ModelType.fromId(type);
            } catch (RuntimeException e) {
                throw ApiError.badRequest("model_type", "model_type: unknown model type '" + type + "'");
            }
            List<dev.modelmanager.api.CatalogEntry> entries = c.query(capabilities == null ? null
                : List.of(capabilities), minContext, request.getParameter("provider"), modelType);
            Json.write(response, 200, Map.of("models", entries.stream().map(ManagementServlet::entry).toList(),
                "count", entries.size()));
        } else if (path.get(0).equals("compare")) {
            String models = request.getParameter("models");
            if (models == null || models.isBlank()) {
                throw ApiError.badRequest("models", "models: give the names to compare, comma separated");
            }
            Json.write(response, 200, Map.of("models", c.compare(List.of(models.split(","))).stream()
                .map(ManagementServlet::entry).toList()));
        } else if (path.get(0).equals("problems")) {
            Json.write(response, 200, Map.of("problems", c.problems()));
        } else {
            String name = String.join("/", path);
            Json.write(response, 200, entry(c.find(name).orElseThrow(() -> ApiError.notFound(
                "the catalog has no model " + name))));
        }
    }

    private static Map<String, Object> entry(dev.modelmanager.api.CatalogEntry e) {
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
        return v;
    }

    /** The query filters of the model list: provider, status, model_type. */
    private static boolean matches(HttpServletRequest request, ModelInfo m) {
        String provider = request.getParameter("provider");
        String status = request.getParameter("status");
        String type = request.getParameter("model_type");
        return (provider == null || provider.equals(m.provider()))
            && (status == null || status.equalsIgnoreCase(m.status().name()))
            && (type == null || type.equalsIgnoreCase(m.modelType().id()));
    }

    /** What a model of this type can be asked, and through which faces. */
    static List<String> capabilities(ModelInfo m) {
        List<String> c = new java.util.ArrayList<>(switch (m.modelType()) {
            case EMBEDDING -> List.of("embeddings", "zero_shot_classification", "similarity_search");
            case TEXT_GENERATION -> List.of("completion", "chat_completion", "streaming");
            case TEXT2TEXT -> List.of("text2text");
            case CLASSIFICATION -> List.of("classification");
        });
        if (m.cache() != null) {
            c.add("embedding_cache");
        }
        if (m.device() != null && m.device().startsWith("remote:")) {
            c.add("remote");
        }
        return c;
    }

    /**
     * What the loaded model shows about itself (its provider's facts, read from the model file): a chat template,
     * multi-label scores, beam search and sampling. Empty while it is not loaded.
     */
    static List<String> detected(ModelInfo m) {
        List<String> c = new java.util.ArrayList<>();
        Map<String, String> d = m.details();
        String template = d.get("chat.template");
        if (template != null && template.startsWith("from the model")) {
            c.add("chat_template");
        }
        if (d.getOrDefault("scores", "").contains("multi-label")) {
            c.add("multi_label");
        }
        if (d.getOrDefault("decoding", "").contains("beam search")) {
            c.add("beam_search");
        }
        if (d.getOrDefault("decoding", "").contains("sampling")) {
            c.add("sampling");
        }
        if (d.containsKey("labels")) {
            c.add("labels:" + d.get("labels"));
        }
        return c;
    }

    private void current(String method, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (method.equals("GET")) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("model", manager.defaultModel().orElse(null));
            Json.write(response, 200, v);
        } else if (method.equals("PUT") || method.equals("POST")) {
            String model = Json.text(body(request), "model", true);
            String previous = manager.defaultModel().orElse(null);
            manager.setDefault(model);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("model", model);
            v.put("previous", previous);
            Json.write(response, 200, v);
        } else {
            throw ApiError.methodNotAllowed(method, request.getRequestURI());
        }
    }

    private void register(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode body = body(request);
        String id = Json.text(body, "id", true);
        String requester = Json.text(body, "requester", false);
        ObjectNode requirement = Json.object(body, "requirement");
        if (requirement == null) {
            throw ApiError.badRequest("requirement", "requirement: is required (an object of requirement keys: "
                + String.join(", ", RequirementProperties.KNOWN) + ", option.<key>)");
        }
        Map<String, String> properties = new TreeMap<>();
        requirement.fields().forEachRemaining(e -> properties.put(e.getKey(), scalar("requirement." + e.getKey(),
            e.getValue())));
        ModelRequirement parsed = RequirementProperties.parse(properties);
        Registration r = manager.register(id, parsed,
            requester == null ? settings.get().requester() : requester);
        Json.write(response, r.newRegistration() ? 201 : 200, Views.registration(r));
    }

    /** A requirement value as the text {@link RequirementProperties} reads; arrays join with commas. */
    private static String scalar(String field, JsonNode v) {
        if (v.isTextual() || v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> items = new java.util.ArrayList<>();
            v.forEach(item -> items.add(scalar(field, item)));
            return String.join(",", items);
        }
        throw ApiError.badRequest(field, field + ": must be a string, number, boolean or array, was " + Json.kind(v));
    }

    /** Totals by provider, model type and status (as in the statistics of 002), and per model. */
    static Map<String, Object> statistics(ManagerStatus status, dev.modelmanager.api.ModelCatalog catalog) {
        Map<String, ModelStats> byProvider = new TreeMap<>();
        Map<String, ModelStats> byType = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> byCapability = new TreeMap<>();
        ModelStats total = ModelStats.EMPTY;
        Map<String, Object> perModel = new TreeMap<>();
        for (ModelInfo m : status.models()) {
            byProvider.merge(m.provider() == null ? "none" : m.provider(), m.stats(), ModelStats::plus);
            byType.merge(m.modelType().id(), m.stats(), ModelStats::plus);
            byStatus.merge(m.status().name(), 1, Integer::sum);
            java.util.Set<String> caps = new java.util.TreeSet<>(capabilities(m));
            if (catalog != null) {
                catalog.find(m.name()).ifPresent(e -> caps.addAll(e.capabilities()));
            }
            caps.forEach(c -> byCapability.merge(c, 1, Integer::sum));
            total = total.plus(m.stats());
            perModel.put(m.modelId(), Views.stats(m.stats()));
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("total_models", status.registeredModels());
        v.put("loaded_models", status.loadedModels());
        v.put("totals", Views.stats(total));
        v.put("by_provider", view(byProvider));
        v.put("by_model_type", view(byType));
        v.put("by_status", byStatus);
        v.put("by_capability", byCapability);
        v.put("models", perModel);
        v.put("providers", status.providers().size());
        return v;
    }

    private static Map<String, Object> view(Map<String, ModelStats> stats) {
        Map<String, Object> v = new TreeMap<>();
        stats.forEach((k, s) -> v.put(k, Views.stats(s)));
        return v;
    }
}
