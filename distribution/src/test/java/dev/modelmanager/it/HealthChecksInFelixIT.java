package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import javax.inject.Inject;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The health bundle inside Felix with the Felix Health Check core the distribution ships: the checks run through the
 * Health Check executor (as {@code /system/health} and {@code hc:exec} run them) and report each model: OK for a
 * loaded one, CRITICAL with the reason for one that failed to load; a model's check goes with the model.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthChecksInFelixIT {
    private static final String TAG = "modelmanager";

    @Inject
    private HealthCheckExecutor executor;

    @Inject
    private ModelManager manager;

    @Inject
    private CommandProcessor commands;

    @Inject
    private org.osgi.service.cm.ConfigurationAdmin configurations;

    @Configuration
    public Option[] config() {
        return FelixOptions.distribution(true);
    }

    @Test
    public void aLoadedModelIsOkAFailedOneCriticalWithTheReasonAndTheirChecksGoWithThem() throws Exception {
        // An idle timeout of 0: a model nobody holds any more leaves at once, and its check with it.
        org.osgi.service.cm.Configuration core = configurations.getConfiguration("dev.modelmanager.core", "?");
        java.util.Hashtable<String, Object> settings = new java.util.Hashtable<>();
        settings.put("idle.timeout.seconds", 0L);
        core.update(settings);
        Thread.sleep(500);
        manager.register("healthy", ModelRequirement.builder(ModelType.EMBEDDING, "org/healthy").dimension(16).build(),
            "it");
        manager.load("healthy", Duration.ofSeconds(20));
        manager.register("broken", ModelRequirement.builder(ModelType.EMBEDDING, "org/broken").dimension(16)
            .option(TestModelProvider.FAIL_LOAD, "the weights are corrupt").preloadWorkers(1).build(), "it");
        await("broken failed", () -> manager.info("broken").status() == ModelStatus.FAILED);

        HealthCheckExecutionResult healthy = awaitResult("Model healthy", r -> r.getStatus() == Result.Status.OK);
        assertThat(text(healthy)).contains("LOADED").contains("loaded on cpu by test");
        HealthCheckExecutionResult broken = awaitResult("Model broken",
            r -> r.getStatus() == Result.Status.CRITICAL);
        assertThat(text(broken)).contains("the weights are corrupt");
        assertThat(broken.getHealthCheckMetadata().getTags()).contains(TAG, "modelmanager.model");
        HealthCheckExecutionResult whole = awaitResult("Model Manager", r -> r.getStatus() == Result.Status.OK);
        assertThat(text(whole)).contains("test").contains("failed to load (see their own checks): broken");

        // The Gogo command of the Health Check core runs the same checks by tag.
        String gogo = Gogo.run(commands, "hc:exec " + TAG);
        assertThat(gogo).contains("Model healthy").contains("Model broken").contains("CRITICAL")
            .contains("the weights are corrupt");

        manager.release("broken", "it");
        await("broken's check is gone", () -> find("Model broken").isEmpty());
        assertThat(find("Model healthy")).isPresent();
    }

    private HealthCheckExecutionResult awaitResult(String name, Predicate<Result> expected) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        Optional<HealthCheckExecutionResult> last = Optional.empty();
        while (System.currentTimeMillis() < deadline) {
            last = find(name);
            if (last.isPresent() && expected.test(last.get().getHealthCheckResult())) {
                return last.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such result for " + name + ": " + last.map(HealthChecksInFelixIT::text)
            .orElse("no check"));
    }

    private Optional<HealthCheckExecutionResult> find(String name) {
        List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags(TAG));
        return results.stream().filter(r -> r.getHealthCheckMetadata().getName().equals(name)).findFirst();
    }

    private static String text(HealthCheckExecutionResult result) {
        return result.getHealthCheckResult().getStatus() + ": " + String.join("\n",
            StreamSupport.stream(result.getHealthCheckResult().spliterator(), false)
                .map(ResultLog.Entry::getMessage).toList());
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
