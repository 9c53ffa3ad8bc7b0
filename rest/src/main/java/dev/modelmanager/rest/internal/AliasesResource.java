package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.AliasPolicy;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;

/** {@code /api/v1/aliases}: aliases and their targets, switched without downtime or moving on their own. */
final class AliasesResource {
    private final ModelManager manager;

    AliasesResource(ModelManager manager) {
        this.manager = manager;
    }

    void addTo(Routes routes) {
        routes.add("GET", "aliases", x -> x.write(200, Map.of("aliases", manager.aliases(),
                "policies", policies())))
            .add("PUT", "aliases/{alias}", this::point)
            .add("POST", "aliases/{alias}", this::point)
            .add("DELETE", "aliases/{alias}", x -> {
                if (!manager.removeAlias(x.param(0))) {
                    throw ApiError.notFound("no alias " + x.param(0));
                }
                x.write(200, Map.of("alias", x.param(0), "removed", true));
            });
    }

    /**
     * {@code {"model"}} points the alias at a model; {@code {"candidates": [...], "threshold"?, "window_seconds"?,
     * "min_calls"?, "switch_back"?}} lets it move among them on its own (auto-switch).
     */
    private void point(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
        Duration timeout = Json.seconds(body, "timeout_seconds");
        Duration wait = timeout == null ? Duration.ofSeconds(120) : timeout;
        if (body.has("candidates")) {
            if (body.has("model")) {
                throw ApiError.badRequest("model", "model: give either model or candidates, not both");
            }
            Integer window = Json.integer(body, "window_seconds");
            Integer minCalls = Json.integer(body, "min_calls");
            Double threshold = Json.decimal(body, "threshold");
            AliasPolicy policy = new AliasPolicy(Json.texts(body, "candidates"),
                threshold == null ? AliasPolicy.DEFAULT_THRESHOLD : threshold,
                window == null ? AliasPolicy.DEFAULT_WINDOW : Duration.ofSeconds(window),
                minCalls == null ? AliasPolicy.DEFAULT_MIN_CALLS : minCalls, Json.bool(body, "switch_back", true));
            ModelInfo target = manager.autoSwitch(x.param(0), policy, wait);
            x.write(200, Map.of("alias", x.param(0), "model", target.modelId(), "status", target.status().name(),
                "policy", view(policy)));
            return;
        }
        String model = Json.text(body, "model", true);
        ModelInfo target = manager.switchAlias(x.param(0), model, wait);
        x.write(200, Map.of("alias", x.param(0), "model", target.modelId(), "status", target.status().name()));
    }

    private Map<String, Object> policies() {
        Map<String, Object> all = new java.util.TreeMap<>();
        manager.aliasPolicies().forEach((alias, policy) -> all.put(alias, view(policy)));
        return all;
    }

    private static Map<String, Object> view(AliasPolicy p) {
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("candidates", p.candidates());
        v.put("threshold", p.threshold());
        v.put("window_seconds", p.window().toSeconds());
        v.put("min_calls", p.minCalls());
        v.put("switch_back", p.switchBack());
        return v;
    }
}
