package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * OpenAI-compatible inference under {@code /v1}, so that existing OpenAI clients work unchanged:
 * {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code POST /v1/embeddings},
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions} (both with {@code "stream": true} as
 * server-sent events). The {@code model} field names a registered model id (or {@code default}). Errors have
 * OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class OpenAiServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;

    private final transient ModelManager manager;
    private final transient Routes routes = new Routes("/v1/models, /v1/embeddings, /v1/chat/completions, "
        + "/v1/completions, /v1/rerank");

    OpenAiServlet(ModelManager manager, Supplier<RestSettings> settings) {
        super(settings);
        this.manager = manager;
        routes.add("GET", "models", this::models)
            .add("GET", "models/{id*}", x -> x.write(200, model(manager.info(x.param(0)))));
        new EmbeddingsResource(manager).addTo(routes);
        new CompletionsResource(manager).addTo(routes);
        new RerankResource(manager).addTo(routes);
    }

    @Override
    protected ApiError error(dev.modelmanager.api.ModelException e, HttpServletRequest request) {
        return ApiError.openAi(e, (String) request.getAttribute(ApiError.OUTPUT_FIELD));
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        routes.dispatch(method, path, request, response, settings);
    }

    /** Every registered model, and every alias as a model of its own name. */
    private void models(Routes.Exchange x) throws IOException {
        List<Object> data = new ArrayList<>(manager.list().stream().map(OpenAiServlet::model).toList());
        manager.aliases().forEach((alias, target) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", alias);
            v.put("object", "model");
            v.put("created", 0);
            v.put("owned_by", "alias of " + target);
            data.add(v);
        });
        x.write(200, Map.of("object", "list", "data", data));
    }

    static Map<String, Object> model(ModelInfo m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.modelId());
        v.put("object", "model");
        v.put("created", m.loadedAt() == null ? 0 : m.loadedAt().getEpochSecond());
        v.put("owned_by", m.provider() == null ? "modelmanager" : m.provider());
        v.put("model_type", m.modelType().id());
        v.put("status", m.status().name());
        return v;
    }
}
