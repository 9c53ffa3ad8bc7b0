package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.modelmanager.rest.access.ApiAccess;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * In front of every face but {@code /health}: the API key ({@code Authorization: Bearer <key>} or
 * {@code x-api-key: <key>}), judged by {@link AccessRules}: compared in constant time; without a configured key,
 * calls are allowed only while the server listens on loopback addresses; listening elsewhere without a key refuses
 * every call and says how to set one. Also counts answers for {@code /metrics}.
 */
final class AccessFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    private final transient Supplier<RestSettings> settings;
    private final transient AccessRules rules;
    private final transient HttpCounters counters;

    AccessFilter(Supplier<RestSettings> settings, BooleanSupplier exposed, HttpCounters counters) {
        this.settings = settings;
        this.rules = new AccessRules(settings, exposed);
        this.counters = counters;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        try {
            if (!path.equals("/health") && !path.startsWith("/health/")) {
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
        String given = null;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).strip();
        } else if (request.getHeader("x-api-key") != null) {
            given = request.getHeader("x-api-key").strip();
        }
        ApiAccess.Verdict verdict = rules.check(given, request.getMethod(), request.getHeader("Host"),
            request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"));
        switch (verdict) {
            case ALLOWED -> {
            }
            case KEY_UNAVAILABLE -> throw new ApiError(503, "server_error", "api_key_unavailable", null,
                verdict.message());
            case KEY_REQUIRED -> throw new ApiError(401, "authentication_error", "api_key_required", null,
                verdict.message());
            case MISSING_KEY -> throw new ApiError(401, "authentication_error", "missing_api_key", null,
                "an API key is required: send 'Authorization: Bearer <key>'");
            case INVALID_KEY -> throw new ApiError(401, "authentication_error", "invalid_api_key", null,
                verdict.message());
            case FOREIGN_ORIGIN -> throw new ApiError(403, "permission_error", "foreign_origin", null,
                verdict.message());
            case FOREIGN_HOST -> throw new ApiError(403, "permission_error", "foreign_host", null, verdict.message());
            default -> throw new IllegalStateException("unknown verdict " + verdict);
        }
    }
}
