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
}
