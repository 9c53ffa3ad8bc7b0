package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.testsupport.TestModelProvider;

/** Aliases switched without downtime, and profiling. */
class AliasSwitchTest {

    @Test
    void switchingBackAndForthUnderLoadFailsNoCall() throws Exception {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withIdleTimeout(Duration.ofMinutes(5)), new TestModelProvider())) {
            f.manager.register("a", generation().option(TestModelProvider.TOKEN_DELAY_MS, "1").build(), "t");
            f.manager.register("b", ModelRequirementsForTest.otherGeneration(), "t");
            f.manager.switchAlias("chat", "a", Duration.ofSeconds(10));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
            List<Thread> callers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            String model = f.manager.generate("chat", "one two three", null).modelId();
                            servedBy.computeIfAbsent(model, k -> new AtomicInteger()).incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            errors.add(e);
                        }
                    }
                });
                callers.add(t);
                t.start();
            }
            for (int i = 0; i < 10; i++) {
                Thread.sleep(40);
                f.manager.switchAlias("chat", i % 2 == 0 ? "b" : "a", Duration.ofSeconds(10));
            }
            Thread.sleep(40);
            stop.set(true);
            for (Thread t : callers) {
                t.join();
            }
            assertThat(failures.get()).as("failed calls: %s", errors).isZero();
            assertThat(servedBy.keySet()).containsExactlyInAnyOrder("a", "b");
            assertThat(f.manager.aliases()).containsEntry("chat", "a");
            assertThat(f.manager.info("a").requesters()).containsExactly("alias:chat", "t");
            assertThat(f.manager.info("b").requesters()).as("the previous target is released").containsExactly("t");
        }
    }

    @Test
    void anAliasCannotShadowAModelAndAFailedLoadLeavesItWhereItWas() {
        try (Fixture f = new Fixture()) {
            f.manager.register("a", generation().build(), "t");
            f.manager.register("broken", generation().option(TestModelProvider.FAIL_LOAD, "no weights").build(), "t");
            f.manager.switchAlias("chat", "a", Duration.ofSeconds(10));
            assertThatThrownBy(() -> f.manager.switchAlias("a", "a", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.field()).isEqualTo("alias"));
            assertThatThrownBy(() -> f.manager.switchAlias("chat", "nope", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ModelException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
            assertThatThrownBy(() -> f.manager.switchAlias("chat", "broken", Duration.ofSeconds(5)))
                .hasMessageContaining("no weights");
            assertThat(f.manager.aliases()).containsEntry("chat", "a");
            assertThat(f.manager.info("broken").requesters()).containsExactly("t");
            assertThat(f.manager.generate("chat", "x y", null).modelId()).isEqualTo("a");
            assertThat(f.manager.removeAlias("chat")).isTrue();
            assertThat(f.manager.info("a").requesters()).containsExactly("t");
            assertThatThrownBy(() -> f.manager.generate("chat", "x", null)).isInstanceOf(ModelException.class);
        }
    }

    @Test
    void aliasesSurviveARestart() {
        ManagerSettings settings = Fixture.SETTINGS.withStateFile(Fixture.tempDir("alias-state").resolve("state.json"));
        try (Fixture before = new Fixture(settings, new TestModelProvider())) {
            before.manager.register("a", generation().build(), "bundle.x");
            before.manager.switchAlias("chat", "a", Duration.ofSeconds(10));
        }
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.aliases()).containsEntry("chat", "a");
            assertThat(after.manager.info("chat").requesters()).containsExactly("alias:chat");
        }
    }

    @Test
    void profilingRunsStandardCallsAndReportsThem() {
        try (Fixture f = new Fixture()) {
            f.manager.register("story", generation().build(), "t");
            f.manager.register("docs", embedding().build(), "t");
            ProfileResult story = f.manager.profile("story", 5);
            assertThat(story.requests()).isEqualTo(5);
            assertThat(story.failures()).isZero();
            assertThat(story.successRate()).isEqualTo(1.0);
            assertThat(story.tokensPerSecond()).isPositive();
            assertThat(story.p95LatencySeconds()).isGreaterThanOrEqualTo(story.p50LatencySeconds()).isPositive();
            ProfileResult docs = f.manager.profile("docs", 10);
            assertThat(docs.itemsPerSecond()).isPositive();
            assertThat(f.manager.info("docs").cache().hits()).as("every profiling text is new").isZero();
            assertThat(f.manager.info("docs").stats().requests()).isEqualTo(10);
            assertThat(f.manager.info("docs").status()).isEqualTo(ModelStatus.LOADED);
            assertThatThrownBy(() -> f.manager.profile("docs", 0)).hasMessageContaining("requests: must be in 1..1000");
        }
    }
}
