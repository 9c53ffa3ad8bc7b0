package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /health}: liveness and readiness. {@code GET /health} answers 200 with both; {@code /health/live} answers
 * 200 while the manager runs; {@code /health/ready} answers 200 once every model that preloads has settled
 * (loaded, or failed with a reason) and every declared model is registered, 503 before, naming what it waits for.
 */
final class HealthServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;

    private final transient ModelManager manager;
    private final transient Supplier<List<String>> declaredButMissing;

    HealthServlet(ModelManager manager, Supplier<RestSettings> settings, Supplier<List<String>> declaredButMissing) {
        super(settings);
        this.manager = manager;
        this.declaredButMissing = declaredButMissing;
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        require(method, "GET", request);
        String which = path.isEmpty() ? "" : path.get(0);
        if (which.equals("live")) {
            Json.write(response, 200, Map.of("status", "UP"));
            return;
        }
        if (!which.isEmpty() && !which.equals("ready")) {
            throw ApiError.notFound("see /health, /health/live, /health/ready");
        }
        ManagerStatus status = manager.status();
        List<String> preloading = status.models().stream().filter(ModelInfo::preloading)
            .map(ModelInfo::modelId).toList();
        List<String> undeclared = declaredButMissing.get();
        List<String> failed = status.models().stream().filter(m -> m.status() == ModelStatus.FAILED)
            .map(m -> m.modelId() + ": " + m.reason()).toList();
        boolean ready = preloading.isEmpty() && undeclared.isEmpty();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("status", "UP");
        v.put("ready", ready);
        v.put("models", status.registeredModels());
        v.put("loaded", status.loadedModels());
        v.put("preloading", preloading);
        v.put("declared_not_registered", undeclared);
        v.put("failed", failed);
        v.put("providers", status.providers().stream().map(p -> p.name()).toList());
        boolean unready = which.equals("ready") && !ready;
        if (unready) {
            response.setHeader("Retry-After", Long.toString(settings.get().retryAfterUnavailableSeconds()));
        }
        Json.write(response, unready ? 503 : 200, v);
    }
}
