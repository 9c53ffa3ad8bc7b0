package dev.modelmanager.webconsole.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.rest.access.ApiAccess;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The whole Web Console behind the REST API's access rules ({@link ApiAccess}): without a configured key, open
 * while the server listens on loopback addresses only and closed otherwise; with a key, only for requests that
 * carry it: {@code Authorization: Bearer <key>}, {@code x-api-key: <key>}, or, for browsers, HTTP Basic with the
 * key as the password (any user name). The distribution names this provider in
 * {@code felix.webconsole.security.providers}, so the console serves nothing until it is registered and its own
 * user name and password (admin/admin by default) are never accepted.
 */
@Component(property = {
    SecurityProvider.PROPERTY_ID + "=" + ConsoleAccess.ID,
    Constants.SERVICE_RANKING + ":Integer=1000"})
public final class ConsoleAccess implements SecurityProvider {
    /** The id to name in {@code felix.webconsole.security.providers}. */
    static final String ID = "modelmanager";
    static final String REALM = "OSGi Model Manager (password: the API key)";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAccess.class);

    private final ApiAccess access;

    @Activate
    public ConsoleAccess(@Reference ApiAccess access) {
        this.access = access;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        // Every console request, not only the Models page's actions: the console's own pages install bundles and
        // change configurations, so a form another site posts, or a rebound host name, is refused for all of them.
        ApiAccess.Verdict verdict = access.check(presentedKey(request), request.getMethod(), request.getHeader("Host"),
            request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"));
        if (verdict == ApiAccess.Verdict.ALLOWED) {
            return ID;
        }
        try {
            if (verdict.keyWouldHelp()) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            }
            response.setStatus(verdict.status());
            response.setContentType("text/plain");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().println(verdict.message());
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Could not answer a refused Web Console request: {}", e.toString());
        }
        return null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        // One role, as over REST: whoever may use the server may use all of it.
        return ID.equals(user);
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // Nothing to forget: no session, no cookie; a browser keeps a Basic password until it is closed.
    }

    /** The key a request carries: a Bearer token, an x-api-key header, or a Basic password; else {@code null}. */
    static String presentedKey(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return emptyToNull(authorization.substring(7).strip());
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : emptyToNull(pair.substring(colon + 1).strip());
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        String header = request.getHeader("x-api-key");
        return header == null ? null : emptyToNull(header.strip());
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
