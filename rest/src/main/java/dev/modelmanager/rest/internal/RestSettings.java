package dev.modelmanager.rest.internal;

/**
 * The REST faces' settings as values.
 *
 * @param apiKey                 the key callers must send ({@code Authorization: Bearer <key>} or {@code x-api-key}),
 *                               or {@code null} for none (allowed only while the server listens on loopback addresses)
 * @param keyProblem             why a configured key could not be read ({@code api.key.file} unreadable,
 *                               {@code api.key.env} unset): every call but {@code /health} is refused meanwhile; or
 *                               {@code null}
 * @param maxRequestBytes        the largest request body accepted
 * @param requester              the requester of registrations made over REST when the call names none
 * @param retryAfterBusySeconds  {@code Retry-After} of a 429 (a model's queue is full) and of the 503 of a model that
 *                               unloaded under the call: a slot frees within a batch, the model loads again at once
 * @param retryAfterUnavailableSeconds {@code Retry-After} of the other 503s: no provider serves the model yet, its
 *                               provider left, the manager is stopping, the catalog is not running, not ready yet
 * @param trustedProxies         the reverse proxies whose forwarded client addresses are taken for turns
 */
record RestSettings(String apiKey, String keyProblem, long maxRequestBytes, String requester,
                    long retryAfterBusySeconds, long retryAfterUnavailableSeconds, TrustedProxies trustedProxies) {
    static final RestSettings DEFAULTS = new RestSettings(null, 4 << 20, "rest");

    RestSettings {
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("max.request.bytes must be >= 1024, was " + maxRequestBytes);
        }
        if (retryAfterBusySeconds < 1 || retryAfterUnavailableSeconds < 1) {
            throw new IllegalArgumentException("retry.after.*.seconds must be >= 1");
        }
        trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
    }

    RestSettings(String apiKey, String keyProblem, long maxRequestBytes, String requester,
                 long retryAfterBusySeconds, long retryAfterUnavailableSeconds) {
        this(apiKey, keyProblem, maxRequestBytes, requester, retryAfterBusySeconds, retryAfterUnavailableSeconds,
            TrustedProxies.NONE);
    }

    RestSettings withTrustedProxies(TrustedProxies proxies) {
        return new RestSettings(apiKey, keyProblem, maxRequestBytes, requester, retryAfterBusySeconds,
            retryAfterUnavailableSeconds, proxies);
    }

    RestSettings(String apiKey, long maxRequestBytes, String requester) {
        this(apiKey, null, maxRequestBytes, requester, 1, 30);
    }

    /** The {@code Retry-After} seconds of a 429 or 503 answer. */
    long retryAfterSeconds(ApiError e) {
        return e.status == 429 || "not_loaded".equals(e.code) ? retryAfterBusySeconds : retryAfterUnavailableSeconds;
    }

    @Override
    public String toString() {
        return "RestSettings[apiKey=" + (apiKey == null ? keyProblem == null ? "none" : "unavailable" : "set")
            + ", maxRequestBytes=" + maxRequestBytes + ", requester=" + requester + ", retryAfter="
            + retryAfterBusySeconds + "s/" + retryAfterUnavailableSeconds + "s, trustedProxies=" + trustedProxies + "]";
    }
}
