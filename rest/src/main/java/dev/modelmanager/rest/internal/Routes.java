package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A servlet's table of resources: method and path template ({@code models/{id}/load}; a last {@code {name*}} takes
 * the rest of the path) to handler. The first template that matches the path answers; a path that matches with
 * another method answers 405, one that matches nothing 404 with what is served.
 */
final class Routes {
    /** One request, with the template's parameters. */
    record Exchange(List<String> params, HttpServletRequest request, HttpServletResponse response,
                    Supplier<RestSettings> settings) {
        /** The template's n-th parameter. */
        String param(int n) {
            return params.get(n);
        }

        ObjectNode body() throws IOException {
            return Json.body(request, settings.get().maxRequestBytes());
        }

        /** The body, or {@code null} when the request has none. */
        ObjectNode optionalBody() throws IOException {
            return request.getContentLengthLong() > 0 ? body() : null;
        }

        void write(int status, Object value) throws IOException {
            Json.write(response, status, value);
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    private record Route(String method, List<String> template, Handler handler) {
        /** The parameters when {@code path} fits the template, else {@code null}. */
        List<String> match(List<String> path) {
            List<String> params = new ArrayList<>();
            for (int i = 0; i < template.size(); i++) {
                String part = template.get(i);
                if (part.startsWith("{") && part.endsWith("*}")) {
                    if (i >= path.size()) {
                        return null;
                    }
                    params.add(String.join("/", path.subList(i, path.size())));
                    return params;
                }
                if (i >= path.size()) {
                    return null;
                }
                if (part.startsWith("{")) {
                    params.add(path.get(i));
                } else if (!part.equals(path.get(i))) {
                    return null;
                }
            }
            return template.size() == path.size() ? params : null;
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final String served;

    /**
     * @param served what the servlet serves, for the 404 message
     */
    Routes(String served) {
        this.served = served;
    }

    Routes add(String method, String template, Handler handler) {
        List<String> parts = template.isEmpty() ? List.of() : List.of(template.split("/"));
        routes.add(new Route(method, parts, handler));
        return this;
    }

    void dispatch(String method, List<String> path, HttpServletRequest request, HttpServletResponse response,
                  Supplier<RestSettings> settings) throws IOException {
        boolean pathKnown = false;
        for (Route route : routes) {
            List<String> params = route.match(path);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                route.handler().handle(new Exchange(params, request, response, settings));
                return;
            }
            pathKnown = true;
        }
        if (pathKnown) {
            throw ApiError.methodNotAllowed(method, request.getRequestURI());
        }
        throw ApiError.notFound("no such resource: " + request.getRequestURI() + " (served: " + served + ")");
    }
}
