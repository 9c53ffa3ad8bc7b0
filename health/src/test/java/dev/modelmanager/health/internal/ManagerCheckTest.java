package dev.modelmanager.health.internal;

import static dev.modelmanager.health.internal.ModelCheckTest.text;
import static dev.modelmanager.health.internal.RealManager.await;
import static dev.modelmanager.health.internal.RealManager.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.testsupport.TestModelProvider;

/** The manager's check means what REST's /health/ready means, and warns while no provider can load anything. */
class ManagerCheckTest {

    @Test
    void notReadyWhilePreloadingOrADeclaredModelIsMissingThenOkEvenWithAFailedModel() throws Exception {
        try (RealManager real = new RealManager(true)) {
            AtomicReference<List<String>> missing = new AtomicReference<>(List.of("declared"));
            ManagerCheck check = new ManagerCheck(real.manager, missing::get);
            real.manager.register("slow", embedding().option(TestModelProvider.LOAD_DELAY_MS, "1500")
                .preloadWorkers(1).build(), "host");
            real.manager.register("broken", embedding().option(TestModelProvider.FAIL_LOAD, "no weights")
                .name("org/other").preloadWorkers(1).build(), "host");

            Result early = check.execute();
            assertThat(early.getStatus()).isEqualTo(Result.Status.TEMPORARILY_UNAVAILABLE);
            assertThat(text(early)).contains("not ready: preloading").contains("slow")
                .contains("not registered yet: declared");

            await("settled", () -> real.manager.info("slow").status() == ModelStatus.LOADED
                && real.manager.info("broken").status() == ModelStatus.FAILED);
            assertThat(check.execute().getStatus()).isEqualTo(Result.Status.TEMPORARILY_UNAVAILABLE);
            missing.set(List.of());

            Result ready = check.execute();
            assertThat(ready.getStatus()).as(text(ready)).isEqualTo(Result.Status.OK);
            assertThat(text(ready)).contains("2 model(s) registered, 1 loaded; providers: test")
                .contains("failed to load (see their own checks): broken").contains("device cpu");
        }
    }

    @Test
    void warnsWhileNoProviderIsBound() throws Exception {
        try (RealManager real = new RealManager(false)) {
            Result result = new ManagerCheck(real.manager, List::of).execute();

            assertThat(result.getStatus()).isEqualTo(Result.Status.WARN);
            assertThat(text(result)).contains("no model provider is bound");
        }
    }
}
