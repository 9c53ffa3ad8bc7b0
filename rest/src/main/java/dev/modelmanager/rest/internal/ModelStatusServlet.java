package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import dev.modelmanager.api.ModelManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /model-status}: the manager's status ({@code /api/v1/status}) where users of the model manager of the
 * seed documents look for it ({@code 004}: the status of every registered model). Same access rules as the API.
 */
final class ModelStatusServlet extends JsonServlet {
    static final String PATH = "/model-status";
    private static final long serialVersionUID = 1L;

    private final transient ModelManager manager;

    ModelStatusServlet(ModelManager manager, Supplier<RestSettings> settings) {
        super(settings);
        this.manager = manager;
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        if (!path.isEmpty()) {
            throw ApiError.notFound("no such resource: " + request.getRequestURI() + " (served: " + PATH + ")");
        }
        require(method, "GET", request);
        Json.write(response, 200, SystemResource.status(manager.status()));
    }
}
