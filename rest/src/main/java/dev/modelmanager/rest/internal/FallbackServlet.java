package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The JSON answer where no face answers: registered as the default servlet ({@code /}, lowest ranking, so that a
 * host's own default servlet wins) it answers 404 naming the faces, for every method; registered as the error page
 * of 4xx and 5xx it turns the HTTP server's own errors (an unknown path, a servlet's {@code sendError}) into the
 * same {@code {"error": {...}}} body every face uses.
 */
final class FallbackServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;
    static final String FACES = "/api/v1, /v1, /health, /metrics, /model-status";

    FallbackServlet(Supplier<RestSettings> settings) {
        super(settings);
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (status instanceof Integer code && code >= 400) {
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            String text = (message == null || String.valueOf(message).isBlank() ? reason(code) : String.valueOf(message))
                + (uri == null ? "" : " (" + uri + ")");
            throw new ApiError(code, code >= 500 ? "server_error" : "invalid_request_error", codeName(code), null, text);
        }
        throw ApiError.notFound("no such resource: " + request.getRequestURI() + " (served: " + FACES + ")");
    }

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "bad request";
            case 404 -> "no such resource";
            case 405 -> "method not allowed";
            case 413 -> "the request is too large";
            case 414 -> "the URI is too long";
            case 431 -> "the request headers are too large";
            default -> "HTTP " + code;
        };
    }

    private static String codeName(int code) {
        return switch (code) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413, 414, 431 -> "request_too_large";
            default -> code >= 500 ? "server_error" : "invalid_request";
        };
    }
}
