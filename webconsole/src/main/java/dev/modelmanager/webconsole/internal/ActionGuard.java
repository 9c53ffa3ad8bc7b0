package dev.modelmanager.webconsole.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Keeps other sites from making a browser act on the Models page (cross-site request forgery). A browser sends a
 * cached Basic password, and on loopback without a key there is no password at all, with any form another page
 * posts; so an action must also carry a token that only a page read from this server knows (the page's
 * {@code data-token}, sent back in the {@value #HEADER} header, which a cross-site form cannot set), and must not
 * come from another origin ({@code Origin} and {@code Sec-Fetch-Site}, where the browser sends them).
 */
final class ActionGuard {
    static final String HEADER = "X-ModelManager-Token";

    private final String token;

    ActionGuard() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The token the page embeds. */
    String token() {
        return token;
    }

    /** Why the request may not act, or {@code null} when it may. */
    String refusal(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return "a request from another site (Sec-Fetch-Site: " + fetchSite + ")";
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request.getHeader("Host"))) {
            return "a request from another origin";
        }
        String given = request.getHeader(HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
            token.getBytes(StandardCharsets.UTF_8))) {
            return "no valid " + HEADER + " (reload the page)";
        }
        return null;
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
