package dev.modelmanager.rest.internal;

/**
 * The REST faces' settings as values.
 *
 * @param apiKey          the key callers must send ({@code Authorization: Bearer <key>} or {@code x-api-key}), or
 *                        {@code null} for none (allowed only while the server listens on loopback addresses)
 * @param maxRequestBytes the largest request body accepted
 * @param requester       the requester of registrations made over REST when the call names none
 */
record RestSettings(String apiKey, long maxRequestBytes, String requester) {
    static final RestSettings DEFAULTS = new RestSettings(null, 1 << 20, "rest");

    RestSettings {
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("max.request.bytes must be >= 1024, was " + maxRequestBytes);
        }
    }

    @Override
    public String toString() {
        return "RestSettings[apiKey=" + (apiKey == null ? "none" : "set") + ", maxRequestBytes=" + maxRequestBytes
            + ", requester=" + requester + "]";
    }
}
