package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A servlet whose handlers answer JSON and throw {@link ApiError} or {@link ModelException}; every failure becomes
 * an OpenAI-style error body with the right status, and nothing else is disturbed.
 */
abstract class JsonServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonServlet.class);

    /** The settings of the moment (body limit); they can change at run time. */
    protected final transient Supplier<RestSettings> settings;

    JsonServlet(Supplier<RestSettings> settings) {
        this.settings = settings;
    }

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            ClientTurns.identify(request, settings.get().trustedProxies());
            handle(request.getMethod(), segments(request), request, response);
        } catch (ApiError e) {
            Json.error(response, e, settings.get());
        } catch (ModelException e) {
            Json.error(response, error(e, request), settings.get());
        } catch (IOException e) {
            // The client went away while we answered; nothing to tell it.
            LOG.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", request.getMethod(), request.getRequestURI(), e);
            // the exception's text stays in the log: it is not written for clients and may say anything
            Json.error(response, new ApiError(500, "server_error", "internal_error", null,
                "the server failed to answer (" + e.getClass().getSimpleName() + "; the server's log has the details)"),
                settings.get());
        } finally {
            Json.drainUnread(request);
        }
    }

    /** The HTTP view of a manager failure on this face. */
    protected ApiError error(ModelException e, HttpServletRequest request) {
        return ApiError.of(e);
    }

    /**
     * The path below the servlet's pattern, split at '/', without empty parts. The container has decoded it once
     * already; decoding again would read {@code %2541} as {@code A} and {@code +} as a space.
     */
    private static List<String> segments(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null) {
            return List.of();
        }
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    protected abstract void handle(String method, List<String> path, HttpServletRequest request,
                                   HttpServletResponse response) throws IOException;

    protected com.fasterxml.jackson.databind.node.ObjectNode body(HttpServletRequest request) throws IOException {
        return Json.body(request, settings.get().maxRequestBytes());
    }

    protected static void require(String method, String expected, HttpServletRequest request) {
        if (!method.equals(expected)) {
            throw ApiError.methodNotAllowed(method, request.getRequestURI());
        }
    }
}
