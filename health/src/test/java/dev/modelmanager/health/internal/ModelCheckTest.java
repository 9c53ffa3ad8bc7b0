package dev.modelmanager.health.internal;

import static dev.modelmanager.health.internal.RealManager.await;
import static dev.modelmanager.health.internal.RealManager.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.StreamSupport;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.testsupport.TestModelProvider;

/** Each status of a real manager's model, as its health check judges it. */
class ModelCheckTest {

    @Test
    void aLoadedModelIsOkAndNamesWhereItRuns() throws Exception {
        try (RealManager real = new RealManager(true)) {
            real.manager.register("embedder", embedding().build(), "host");
            real.manager.load("embedder", Duration.ofSeconds(10));

            Result result = new ModelCheck(real.manager, "embedder").execute();

            assertThat(result.getStatus()).isEqualTo(Result.Status.OK);
            assertThat(text(result)).contains("LOADED").contains("loaded on cpu by test").contains("(host)");
        }
    }

    @Test
    void aLazyModelNotLoadedYetIsOkAndOneUnloadedToo() throws Exception {
        try (RealManager real = new RealManager(true)) {
            real.manager.register("lazy", embedding().build(), "host");
            assertThat(real.manager.info("lazy").status()).isEqualTo(ModelStatus.REGISTERED);

            Result registered = new ModelCheck(real.manager, "lazy").execute();
            assertThat(registered.getStatus()).isEqualTo(Result.Status.OK);
            assertThat(text(registered)).contains("loads on first use");

            real.manager.load("lazy", Duration.ofSeconds(10));
            real.manager.unload("lazy");
            await("unloaded", () -> real.manager.info("lazy").status() == ModelStatus.UNLOADED);
            Result unloaded = new ModelCheck(real.manager, "lazy").execute();
            assertThat(unloaded.getStatus()).isEqualTo(Result.Status.OK);
            assertThat(text(unloaded)).contains("loads again on next use");
        }
    }

    @Test
    void aFailedModelIsCriticalWithTheReason() throws Exception {
        try (RealManager real = new RealManager(true)) {
            real.manager.register("broken", embedding().option(TestModelProvider.FAIL_LOAD, "weights are corrupt")
                .preloadWorkers(1).build(), "host");
            await("failed", () -> real.manager.info("broken").status() == ModelStatus.FAILED);

            Result result = new ModelCheck(real.manager, "broken").execute();

            assertThat(result.getStatus()).isEqualTo(Result.Status.CRITICAL);
            assertThat(text(result)).contains("weights are corrupt");
        }
    }

    @Test
    void aModelStillLoadingIsTemporarilyUnavailableThenOk() throws Exception {
        try (RealManager real = new RealManager(true)) {
            real.manager.register("slow", embedding().option(TestModelProvider.LOAD_DELAY_MS, "1500")
                .preloadWorkers(1).build(), "host");
            ModelCheck check = new ModelCheck(real.manager, "slow");

            Result early = check.execute();
            assertThat(early.getStatus()).as(text(early)).isEqualTo(Result.Status.TEMPORARILY_UNAVAILABLE);

            await("loaded", () -> real.manager.info("slow").status() == ModelStatus.LOADED);
            assertThat(check.execute().getStatus()).isEqualTo(Result.Status.OK);
        }
    }

    @Test
    void aModelNoProviderServesIsTemporarilyUnavailableAndOneNotRegisteredToo() throws Exception {
        try (RealManager real = new RealManager(false)) {
            real.manager.register("orphan", embedding().build(), "host");
            assertThat(real.manager.info("orphan").status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
            ModelCheck check = new ModelCheck(real.manager, "orphan");

            Result waiting = check.execute();
            assertThat(waiting.getStatus()).isEqualTo(Result.Status.TEMPORARILY_UNAVAILABLE);
            assertThat(text(waiting)).contains("no installed provider can serve it");

            Result gone = new ModelCheck(real.manager, "never-registered").execute();
            assertThat(gone.getStatus()).isEqualTo(Result.Status.TEMPORARILY_UNAVAILABLE);
            assertThat(text(gone)).contains("no longer registered");
        }
    }

    static String text(Result result) {
        return String.join("\n", StreamSupport.stream(result.spliterator(), false)
            .map(ResultLog.Entry::getMessage).toList());
    }
}
