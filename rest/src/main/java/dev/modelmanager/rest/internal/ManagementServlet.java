package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelManager;
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
 * GET    /api/v1/providers/{name}/models  the models a provider serves and those the catalog lists for it
 * POST   /api/v1/models/discover          ask every catalog source now: entries, added, gone, failures
 * POST   /api/v1/models/save-state        write the state now and wait: path, models, saved_at
 * GET    /api/v1/devices                  devices models can run on, with their memory
 * GET    /api/v1/catalog                  catalog entries (?capability= repeatable, ?min_context_window=,
 *                                         ?provider=, ?model_type=); /catalog/{name}; /catalog/compare?models=a,b;
 *                                         /catalog/problems
 * GET    /api/v1/aliases                  aliases and their targets
 * PUT    /api/v1/aliases/{name}           {"model", "timeout_seconds"?}: switch an alias without downtime
 * DELETE /api/v1/aliases/{name}           remove an alias
 * POST   /api/v1/models/{id}/profile      {"requests"?: 10}: run standard calls, report latency and throughput
 * GET    /api/v1/statistics               totals by provider, model type and status, and per model
 * GET    /api/v1/usage                    calls, items, tokens, failures and cost by requester (bundle) and model
 * GET    /api/v1/status                   the manager's status
 * </pre>
 */
final class ManagementServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;

    private final transient Routes routes = new Routes("/api/v1/models, /api/v1/aliases, /api/v1/catalog, "
        + "/api/v1/providers, /api/v1/devices, /api/v1/statistics, /api/v1/usage, /api/v1/status");

    ManagementServlet(ModelManager manager, Supplier<RestSettings> settings) {
        this(manager, settings, () -> null);
    }

    ManagementServlet(ModelManager manager, Supplier<RestSettings> settings, Supplier<ModelCatalog> catalog) {
        super(settings);
        new ModelsResource(manager, settings, catalog).addTo(routes);
        new AliasesResource(manager).addTo(routes);
        new CatalogResource(catalog).addTo(routes);
        new SystemResource(manager, catalog).addTo(routes);
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        routes.dispatch(method, path, request, response, settings);
    }
}
