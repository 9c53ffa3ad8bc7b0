package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * In front of every face but {@code /health}: the API key ({@code Authorization: Bearer <key>} or
 * {@code x-api-key: <key>}), compared in constant time. Without a configured key, calls are allowed only while
 * the server listens on loopback addresses; listening elsewhere without a key refuses every call and says how to
 * set one. Also counts answers for {@code /metrics}.
 */
final class AccessFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    private final transient Supplier<RestSettings> settings;
    private final transient BooleanSupplier exposed;
    private final transient HttpCounters counters;

    AccessFilter(Supplier<RestSettings> settings, BooleanSupplier exposed, HttpCounters counters) {
        this.settings = settings;
        this.exposed = exposed;
        this.counters = counters;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        try {
            if (!path.startsWith("/health")) {
                check(request);
            }
            chain.doFilter(request, response);
        } catch (ApiError e) {
            Json.error(response, e, settings.get());
            Json.drainUnread(request);
        } finally {
            counters.count(path, response.getStatus());
        }
    }

    private void check(HttpServletRequest request) {
        RestSettings current = settings.get();
        if (current.keyProblem() != null) {
            // A key is configured but cannot be read: answering without one would open the API.
            throw new ApiError(503, "server_error", "api_key_unavailable", null, "the server's API key cannot be "
                + "read (its log says why); every call is refused until it can");
        }
        String key = current.apiKey();
        if (key == null) {
            if (exposed.getAsBoolean()) {
                throw new ApiError(401, "authentication_error", "api_key_required", null, "this server listens on a "
                    + "non-loopback address, so an API key is required: set api.key.file (a file holding the key) or "
                    + "api.key.env in etc/dev.modelmanager.rest.cfg, or the MODELMANAGER_API_KEY environment variable");
            }
            return;
        }
        String given = null;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).strip();
        } else if (request.getHeader("x-api-key") != null) {
            given = request.getHeader("x-api-key").strip();
        }
        if (given == null) {
            throw new ApiError(401, "authentication_error", "missing_api_key", null,
                "an API key is required: send 'Authorization: Bearer <key>'");
        }
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "authentication_error", "invalid_api_key", null, "the API key is not valid");
        }
    }
}
