package dev.modelmanager.rest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.modelmanager.rest.access.ApiAccess;

/**
 * The access rules of every face but {@code /health}, apart from where a request carries its key: the configured key,
 * compared in constant time; without one, allowed only while the server listens on loopback addresses; a configured
 * key that cannot be read refuses everything. Registered as the {@link ApiAccess} service, so that pages served by
 * other bundles on the same HTTP server (the Web Console) apply the same rules with the same, current, settings.
 */
final class AccessRules implements ApiAccess {
    private final Supplier<RestSettings> settings;
    private final BooleanSupplier exposed;

    AccessRules(Supplier<RestSettings> settings, BooleanSupplier exposed) {
        this.settings = settings;
        this.exposed = exposed;
    }

    @Override
    public Verdict check(String presentedKey, String method, String host, String origin, String fetchSite) {
        boolean changes = !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
        if (changes && (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")
            || origin != null && !sameOrigin(origin, host))) {
            return Verdict.FOREIGN_ORIGIN;
        }
        Verdict verdict = check(presentedKey);
        RestSettings current = settings.get();
        if (verdict == Verdict.ALLOWED && current != null && current.apiKey() == null && host != null
            && !loopbackName(host)) {
            return Verdict.FOREIGN_HOST;
        }
        return verdict;
    }

    /** {@code localhost}, {@code 127.x.x.x} or {@code [::1]}, with or without a port; no name is looked up. */
    static boolean loopbackName(String host) {
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.equals("localhost") || name.endsWith(".localhost")
            || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            String authority = java.net.URI.create(origin.strip()).getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Verdict check(String presentedKey) {
        RestSettings current = settings.get();
        if (current == null) {
            return Verdict.KEY_UNAVAILABLE;
        }
        if (current.keyProblem() != null) {
            // A key is configured but cannot be read: answering without one would open the API.
            return Verdict.KEY_UNAVAILABLE;
        }
        String key = current.apiKey();
        if (key == null) {
            return exposed.getAsBoolean() ? Verdict.KEY_REQUIRED : Verdict.ALLOWED;
        }
        if (presentedKey == null) {
            return Verdict.MISSING_KEY;
        }
        boolean same = MessageDigest.isEqual(presentedKey.getBytes(StandardCharsets.UTF_8),
            key.getBytes(StandardCharsets.UTF_8));
        return same ? Verdict.ALLOWED : Verdict.INVALID_KEY;
    }
}
