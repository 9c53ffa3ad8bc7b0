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
