package dev.modelmanager.rest.access;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The REST bundle's access rules as a service, following its configuration as it changes: whether a request that
 * presents this key (or none) may be served.
 */
@ProviderType
public interface ApiAccess {
    /**
     * Decides for a request.
     *
     * @param presentedKey the key the request carries, stripped, or {@code null} when it carries none
     * @return {@link Verdict#ALLOWED}, or why not
     */
    Verdict check(String presentedKey);

    /**
     * Decides for a request a browser may have sent: as {@link #check(String)}, and besides refuses
     * {@link Verdict#FOREIGN_ORIGIN} a request that changes something (any method but {@code GET}, {@code HEAD},
     * {@code OPTIONS}) sent from another origin ({@code Origin} not this {@code Host}, or {@code Sec-Fetch-Site}
     * {@code cross-site}/{@code same-site}: a form another page posts), and {@link Verdict#FOREIGN_HOST}, while no key is
     * configured, a request whose {@code Host} is no loopback name (DNS rebinding: another site's name made to resolve
     * to this machine). Clients that are no browsers send none of these headers and are judged by the key alone.
     *
     * @param method    the request's method
     * @param host      its {@code Host} header, or {@code null}
     * @param origin    its {@code Origin} header, or {@code null}
     * @param fetchSite its {@code Sec-Fetch-Site} header, or {@code null}
     */
    Verdict check(String presentedKey, String method, String host, String origin, String fetchSite);

    /** Whether a request is served, and if not the status and message to answer with. */
    enum Verdict {
        /** The key matches, or no key is configured and the server listens on loopback addresses only. */
        ALLOWED(200, null),
        /** A key is configured but cannot be read (a named file or variable): nothing is served until it can. */
        KEY_UNAVAILABLE(503, "the server's API key cannot be read (its log says why); every call is refused until "
            + "it can"),
        /** No key is configured and the server listens on a non-loopback address: nothing is served. */
        KEY_REQUIRED(401, "this server listens on a non-loopback address, so an API key is required: set "
            + "api.key.file (a file holding the key) or api.key.env in etc/dev.modelmanager.rest.cfg, or the "
            + "MODELMANAGER_API_KEY environment variable"),
        /** A key is configured and the request carries none. */
        MISSING_KEY(401, "an API key is required"),
        /** A key is configured and the request carries another. */
        INVALID_KEY(401, "the API key is not valid"),
        /** A request that changes something, sent by a page of another origin. */
        FOREIGN_ORIGIN(403, "a request from another site or origin may not change anything here"),
        /** No key is configured and the request names this server by a name that is not a loopback one. */
        FOREIGN_HOST(403, "without an API key this server answers only requests for localhost or a loopback address "
            + "(Host header)");

        private final int status;
        private final String message;

        Verdict(int status, String message) {
            this.status = status;
            this.message = message;
        }

        /** The HTTP status to answer with ({@code 200} when allowed). */
        public int status() {
            return status;
        }

        /** Why the request is refused, for the answer; {@code null} when allowed. */
        public String message() {
            return message;
        }

        /** Whether a caller that presents a (valid) key could be served: the server has a key to compare. */
        public boolean keyWouldHelp() {
            return this == MISSING_KEY || this == INVALID_KEY;
        }
    }
}
