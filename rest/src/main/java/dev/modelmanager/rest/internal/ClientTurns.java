package dev.modelmanager.rest.internal;

import dev.modelmanager.api.ModelManager;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Whom a request's inference calls take turns as in a busy model's queue ({@link ModelManager#forClient}): the
 * address the request came from. Every REST call comes through this bundle's one view of the manager, so without
 * this all HTTP clients would share one turn, and a client with 50 calls open would hold one with a single call
 * behind all of them. The address, not the API key: there is one key, shared by every client, so it tells no client
 * from another (and a key must never become a name the manager keeps). Not the connection either: a client opening
 * more connections must not get more turns. Behind a reverse proxy the operator lists in {@code trusted.proxies}, the
 * client is the address the proxy forwarded ({@link TrustedProxies}); behind any other proxy every client has the
 * proxy's address and they share its turns. What the calls used is still counted for this bundle
 * ({@code /api/v1/usage}); the address is never logged and is kept only while the client's calls wait.
 */
final class ClientTurns {
    /** The request attribute where the servlet puts the request's client ({@link #identify}). */
    static final String ATTRIBUTE = ClientTurns.class.getName();

    private ClientTurns() {
    }

    /** Notes on the request who its client is, by the proxies trusted now. */
    static void identify(HttpServletRequest request, TrustedProxies proxies) {
        if (!proxies.isEmpty()) {
            request.setAttribute(ATTRIBUTE, proxies.client(request));
        }
    }

    /** {@code manager}, with the calls made through the answer taking turns as the request's client. */
    static ModelManager of(ModelManager manager, HttpServletRequest request) {
        Object client = request.getAttribute(ATTRIBUTE);
        return manager.forClient(client instanceof String s ? s : request.getRemoteAddr());
    }
}
