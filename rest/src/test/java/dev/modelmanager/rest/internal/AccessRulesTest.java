package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.modelmanager.rest.access.ApiAccess;
import dev.modelmanager.rest.access.ApiAccess.Verdict;

/** The rules the ApiAccess service gives other bundles are the filter's, and follow the settings as they change. */
class AccessRulesTest {
    private final AtomicReference<RestSettings> settings = new AtomicReference<>(RestSettings.DEFAULTS);
    private final AtomicBoolean exposed = new AtomicBoolean();
    private final ApiAccess rules = new AccessRules(settings::get, exposed::get);

    @Test
    void withoutAKeyLoopbackOnly() {
        assertThat(rules.check(null)).isEqualTo(Verdict.ALLOWED);
        assertThat(rules.check("anything")).isEqualTo(Verdict.ALLOWED);
        exposed.set(true);
        assertThat(rules.check(null)).isEqualTo(Verdict.KEY_REQUIRED);
        assertThat(rules.check("anything")).isEqualTo(Verdict.KEY_REQUIRED);
        assertThat(Verdict.KEY_REQUIRED.keyWouldHelp()).isFalse();
    }

    @Test
    void withAKeyOnlyThatKeyOnLoopbackToo() {
        settings.set(new RestSettings("s3cret", 1 << 20, "rest"));
        assertThat(rules.check(null)).isEqualTo(Verdict.MISSING_KEY);
        assertThat(rules.check("s3cre")).isEqualTo(Verdict.INVALID_KEY);
        assertThat(rules.check("s3cret")).isEqualTo(Verdict.ALLOWED);
        exposed.set(true);
        assertThat(rules.check("s3cret")).isEqualTo(Verdict.ALLOWED);
        assertThat(Verdict.INVALID_KEY.status()).isEqualTo(401);
    }

    @Test
    void aKeyThatCannotBeReadRefusesEverything() {
        settings.set(new RestSettings(null, "file /nowhere: cannot be read", 1 << 20, "rest", 1, 30));
        assertThat(rules.check(null)).isEqualTo(Verdict.KEY_UNAVAILABLE);
        assertThat(rules.check("s3cret")).isEqualTo(Verdict.KEY_UNAVAILABLE);
        assertThat(Verdict.KEY_UNAVAILABLE.status()).isEqualTo(503);
    }

    @Test
    void aFormAnotherSitePostsIsRefusedWhateverTheKey() {
        assertThat(rules.check(null, "POST", "127.0.0.1:8080", "https://evil.example", "cross-site"))
            .isEqualTo(Verdict.FOREIGN_ORIGIN);
        assertThat(rules.check(null, "POST", "127.0.0.1:8080", "http://localhost:3000", null))
            .as("another origin, even on this machine").isEqualTo(Verdict.FOREIGN_ORIGIN);
        assertThat(rules.check(null, "POST", "127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin"))
            .isEqualTo(Verdict.ALLOWED);
        assertThat(rules.check(null, "GET", "127.0.0.1:8080", "https://evil.example", "cross-site"))
            .as("reading changes nothing (and no CORS header lets another page read it)").isEqualTo(Verdict.ALLOWED);
        assertThat(rules.check(null, "POST", "127.0.0.1:8080", null, null)).as("curl, SDKs: no browser headers")
            .isEqualTo(Verdict.ALLOWED);
        settings.set(new RestSettings("s3cret", 1 << 20, "rest"));
        assertThat(rules.check("s3cret", "POST", "127.0.0.1:8080", "https://evil.example", null))
            .as("a browser's cached password does not make another site's form welcome")
            .isEqualTo(Verdict.FOREIGN_ORIGIN);
    }

    @Test
    void withoutAKeyOnlyLoopbackHostNamesAreAnswered() {
        assertThat(rules.check(null, "GET", "evil.example:8080", null, null)).as("DNS rebinding")
            .isEqualTo(Verdict.FOREIGN_HOST);
        for (String host : new String[] {"localhost", "localhost:8080", "127.0.0.1:8091", "127.1.2.3", "[::1]:8080",
            "app.localhost:8080"}) {
            assertThat(rules.check(null, "GET", host, null, null)).as(host).isEqualTo(Verdict.ALLOWED);
        }
        assertThat(AccessRules.loopbackName("127.0.0.1.evil.example")).isFalse();
        settings.set(new RestSettings("s3cret", 1 << 20, "rest"));
        assertThat(rules.check("s3cret", "GET", "models.example.com", null, null)).as("with a key, the key decides")
            .isEqualTo(Verdict.ALLOWED);
        assertThat(Verdict.FOREIGN_HOST.status()).isEqualTo(403);
    }
}
