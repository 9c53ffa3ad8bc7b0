package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;

/** {@code /api/v1/aliases}: aliases and their targets, switched without downtime. */
final class AliasesResource {
    private final ModelManager manager;

    AliasesResource(ModelManager manager) {
        this.manager = manager;
    }

    void addTo(Routes routes) {
        routes.add("GET", "aliases", x -> x.write(200, Map.of("aliases", manager.aliases())))
            .add("PUT", "aliases/{alias}", this::point)
            .add("POST", "aliases/{alias}", this::point)
            .add("DELETE", "aliases/{alias}", x -> {
                if (!manager.removeAlias(x.param(0))) {
                    throw ApiError.notFound("no alias " + x.param(0));
                }
                x.write(200, Map.of("alias", x.param(0), "removed", true));
            });
    }

    private void point(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
        String model = Json.text(body, "model", true);
        Duration timeout = Json.seconds(body, "timeout_seconds");
        ModelInfo target = manager.switchAlias(x.param(0), model, timeout == null ? Duration.ofSeconds(120) : timeout);
        x.write(200, Map.of("alias", x.param(0), "model", target.modelId(), "status", target.status().name()));
    }
}
