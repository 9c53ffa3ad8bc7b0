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

import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.RequirementProperties;
import jakarta.servlet.http.HttpServletRequest;

/**
 * {@code /api/v1/models}: the registered models, registering and releasing, loading and unloading, the current
 * (default) model, profiling, capabilities and the embedding cache.
 */
final class ModelsResource {
    private final ModelManager manager;
    private final Supplier<RestSettings> settings;
    private final Supplier<ModelCatalog> catalog;

    ModelsResource(ModelManager manager, Supplier<RestSettings> settings, Supplier<ModelCatalog> catalog) {
        this.manager = manager;
        this.settings = settings;
        this.catalog = catalog;
    }

    /** Literal paths first: they would otherwise be read as model ids. */
    void addTo(Routes routes) {
        routes.add("GET", "models", this::list)
            .add("POST", "models", this::register)
            .add("GET", "models/loaded", this::loaded)
            .add("GET", "models/current", this::current)
            .add("PUT", "models/current", this::switchCurrent)
            .add("POST", "models/current", this::switchCurrent)
            .add("PUT", "models/switch", this::switchCurrent)
            .add("POST", "models/switch", this::switchCurrent)
            .add("GET", "models/statistics", x -> x.write(200, Statistics.of(manager.status(), catalog.get())))
            .add("GET", "models/{id}", x -> x.write(200, Views.model(manager.info(x.param(0)))))
            .add("DELETE", "models/{id}", this::release)
            .add("POST", "models/{id}/load", this::load)
            .add("POST", "models/{id}/unload", x -> {
                List<String> holders = manager.info(x.param(0)).requesters();
                x.write(200, Map.of("id", x.param(0), "unloaded", manager.unload(x.param(0)), "held_by", holders));
            })
            .add("POST", "models/{id}/profile", this::profile)
            .add("GET", "models/{id}/capabilities", this::capabilities)
            .add("DELETE", "models/{id}/cache", x -> {
                manager.clearEmbeddingCache(x.param(0));
                x.write(200, Map.of("id", x.param(0), "cache", "cleared"));
            });
    }

    private void list(Routes.Exchange x) throws IOException {
        List<ModelInfo> models = manager.list().stream().filter(m -> matches(x.request(), m)).toList();
        x.write(200, Map.of("models", Views.models(models), "count", models.size()));
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

    private void loaded(Routes.Exchange x) throws IOException {
        List<ModelInfo> loaded = manager.list().stream().filter(m -> m.status() == ModelStatus.LOADED).toList();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("models", Views.models(loaded));
        v.put("count", loaded.size());
        v.put("current_model", manager.defaultModel().orElse(null));
        x.write(200, v);
    }

    private void current(Routes.Exchange x) throws IOException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model", manager.defaultModel().orElse(null));
        x.write(200, v);
    }

    private void switchCurrent(Routes.Exchange x) throws IOException {
        String model = Json.text(x.body(), "model", true);
        String previous = manager.defaultModel().orElse(null);
        manager.setDefault(model);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model", model);
        v.put("previous", previous);
        x.write(200, v);
    }

    private void register(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
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
        Registration r;
        try {
            ModelRequirement parsed = RequirementProperties.parse(properties);
            // A REST caller may name local files only under the manager's model roots (model.roots).
            r = manager.registerConfined(id, parsed, requester == null ? settings.get().requester() : requester);
        } catch (ModelException e) {
            throw inBodyTerms(e, properties);
        }
        x.write(r.newRegistration() ? 201 : 200, Views.registration(r));
    }

    /** The requirement keys that say where a model's files are, in the order the manager reads them. */
    private static final List<String> SOURCE_KEYS = List.of("path", "jar", "bundle", "resources", "endpoint",
        "remote_model", "hub", "files", "revision");

    /**
     * A registration failure named by this body's fields: the manager's {@code model_id} is {@code id} here and
     * {@code requester_id} is {@code requester}; requirement keys keep their names (a blank one is the
     * requirement's); a source that cannot be had or may not be used names the source key the requirement gave
     * ({@code name} when it gave none: the name is then a Hub repository).
     */
    private static RuntimeException inBodyTerms(ModelException e, Map<String, String> requirement) {
        String field = e.field();
        String param;
        if ("model_id".equals(field)) {
            param = "id";
        } else if ("requester_id".equals(field)) {
            param = "requester";
        } else if (field != null && field.isBlank()) {
            param = "requirement";
        } else if (field == null && isAboutTheSource(e.code())) {
            param = SOURCE_KEYS.stream().filter(requirement::containsKey).findFirst().orElse("name");
        } else {
            return e;
        }
        ApiError mapped = ApiError.of(e);
        String message = field == null || field.isBlank() ? e.getMessage()
            : e.getMessage().replace(field + ": ", param + ": ");
        return new ApiError(mapped.status, mapped.type, mapped.code, param, message);
    }

    private static boolean isAboutTheSource(dev.modelmanager.api.ErrorCode code) {
        return code == dev.modelmanager.api.ErrorCode.SOURCE_UNAVAILABLE
            || code == dev.modelmanager.api.ErrorCode.SOURCE_NOT_ALLOWED
            || code == dev.modelmanager.api.ErrorCode.INVALID_MODEL_FILE;
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

    private void release(Routes.Exchange x) throws IOException {
        String requester = x.request().getParameter("requester");
        String who = requester == null || requester.isBlank() ? settings.get().requester() : requester;
        int left = manager.release(x.param(0), who);
        x.write(200, Map.of("id", x.param(0), "requester", who, "reference_count", left));
    }

    private void load(Routes.Exchange x) throws IOException {
        ObjectNode body = x.optionalBody();
        Duration timeout = body == null ? null : Json.seconds(body, "timeout_seconds");
        ModelInfo info = manager.load(x.param(0), timeout);
        x.write(200, Views.model(info));
    }

    private void profile(Routes.Exchange x) throws IOException {
        ObjectNode body = x.optionalBody();
        Integer n = body == null ? null : Json.integer(body, "requests");
        if (n == null && body != null) {
            n = Json.integer(body, "testCount");
        }
        ProfileResult p = manager.profile(x.param(0), n == null ? 10 : n);
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
        x.write(200, v);
    }

    private void capabilities(Routes.Exchange x) throws IOException {
        ModelInfo info = manager.info(x.param(0));
        List<String> byType = Statistics.capabilities(info);
        ModelCatalog c = catalog.get();
        List<String> declared = c == null ? List.of()
            : c.find(info.name()).map(e -> List.copyOf(e.capabilities())).orElse(List.of());
        List<String> detected = Statistics.detected(info);
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
        x.write(200, v);
    }
}
