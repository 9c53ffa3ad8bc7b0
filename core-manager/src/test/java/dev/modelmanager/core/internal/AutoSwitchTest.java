package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import dev.modelmanager.api.AliasPolicy;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * Auto-switch (seed 002): an alias with candidates moves away from a target whose provider is gone or whose success
 * rate falls below the threshold, within one window, without a failed call after the move; and back when the first
 * candidate has recovered for a window. Each move is an {@code ALIAS_CHANGED} event with the reason.
 */
class AutoSwitchTest {
    private static final AliasPolicy POLICY = new AliasPolicy(List.of("primary", "backup"), 0.7,
        Duration.ofSeconds(3), 3, true);

    private static Fixture fixture(TestModelProvider a) {
        Fixture f = new Fixture(Fixture.SETTINGS.builder().providerWait(Duration.ofMillis(300)).build(), a);
        f.manager.bindProvider(new TestModelProvider("b"), Map.of("service.id", 2L));
        f.manager.register("primary", generation().name("test/primary").provider("a").build(), "t");
        f.manager.register("backup", generation().name("test/backup").provider("b").build(), "t");
        return f;
    }

    @Test
    void eightCallersKeepBeingServedWhenTheFirstCandidatesProviderStops() throws Exception {
        TestModelProvider a = new TestModelProvider("a");
        try (Fixture f = fixture(a)) {
            assertThat(f.manager.autoSwitch("chat", POLICY, Duration.ofSeconds(10)).modelId()).isEqualTo("primary");
            assertThat(f.manager.aliasPolicies()).containsEntry("chat", POLICY);
            AtomicLong switchedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong failuresAfter = new AtomicLong();
            AtomicLong callsAfter = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService callers = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                done.add(callers.submit(() -> {
                    while (running.get()) {
                        long started = System.nanoTime();
                        boolean afterSwitch = started > switchedAt.get();
                        try {
                            f.manager.generate("chat", "a b c", null);
                        } catch (ModelException e) {
                            if (afterSwitch) {
                                failuresAfter.incrementAndGet();
                            }
                        }
                        if (afterSwitch) {
                            callsAfter.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(300);
            long stopped = System.nanoTime();
            f.manager.unbindProvider(a);
            await("the alias moved", Duration.ofSeconds(10), () -> "backup".equals(f.manager.aliases().get("chat")));
            switchedAt.set(System.nanoTime());
            Duration took = Duration.ofNanos(switchedAt.get() - stopped);
            assertThat(took).as("within one window").isLessThanOrEqualTo(POLICY.window());
            Thread.sleep(1000);
            running.set(false);
            for (Future<?> d : done) {
                d.get();
            }
            callers.shutdown();
            assertThat(callsAfter.get()).as("calls made after the switch").isPositive();
            assertThat(failuresAfter.get()).as("no call failed after the switch").isZero();
            Event moved = aliasEvents(f).get(0);
            assertThat(moved.getProperty(ModelEvents.MODEL_ID)).isEqualTo("backup");
            assertThat(moved.getProperty(ModelEvents.PREVIOUS)).isEqualTo("primary");
            assertThat((String) moved.getProperty(ModelEvents.REASON)).contains("primary is WAITING_FOR_PROVIDER");

            // The first candidate's provider is back: after a healthy window the alias returns to it.
            f.manager.bindProvider(a, Map.of("service.id", 3L));
            await("back to primary", Duration.ofSeconds(10), () -> "primary".equals(f.manager.aliases().get("chat")));
            assertThat((String) aliasEvents(f).get(1).getProperty(ModelEvents.REASON)).contains("auto-switch back")
                .contains("healthy for 3 s");
            assertThat(f.manager.generate("chat", "a", null).text()).isNotNull();
        }
    }

    @Test
    void aSuccessRateBelowTheThresholdMovesTheAliasWithoutSwitchingBackWhenAskedNotTo() throws Exception {
        TestModelProvider a = new TestModelProvider("a");
        try (Fixture f = fixture(a)) {
            f.manager.register("flaky", generation().name("test/flaky").provider("a")
                .option(TestModelProvider.FAIL_INFERENCE, "CUDA error").build(), "t");
            AliasPolicy policy = new AliasPolicy(List.of("flaky", "backup"), 0.7, Duration.ofSeconds(2), 3, false);
            f.manager.autoSwitch("chat", policy, Duration.ofSeconds(10));
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> f.manager.generate("chat", "x", null)).isInstanceOf(ModelException.class);
            }
            await("the alias moved", Duration.ofSeconds(5), () -> "backup".equals(f.manager.aliases().get("chat")));
            assertThat((String) aliasEvents(f).get(0).getProperty(ModelEvents.REASON))
                .contains("flaky succeeded 0% of 5 calls in 2 s, below 70%");
            Thread.sleep(3500);
            assertThat(f.manager.aliases().get("chat")).as("switch_back=false").isEqualTo("backup");
        }
    }

    @Test
    void aCandidateLeftForItsSuccessRateIsNotTakenBackWithoutEvidenceThatItRecovered() throws Exception {
        try (Fixture f = fixture(new TestModelProvider("a"))) {
            f.manager.register("flaky", generation().name("test/flaky").provider("a")
                .option(TestModelProvider.FAIL_INFERENCE, "CUDA error").build(), "t");
            AliasPolicy policy = new AliasPolicy(List.of("flaky", "backup"), 0.7, Duration.ofSeconds(2), 3, true);
            f.manager.autoSwitch("chat", policy, Duration.ofSeconds(10));
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> f.manager.generate("chat", "x", null)).isInstanceOf(ModelException.class);
            }
            await("the alias moved", Duration.ofSeconds(5), () -> "backup".equals(f.manager.aliases().get("chat")));
            Thread.sleep(4500); // two windows: its failures aged out, but nothing shows it works again
            assertThat(f.manager.aliases().get("chat")).as("no flapping back").isEqualTo("backup");
        }
    }

    @Test
    void aQueuedMoveIsDroppedWhenTheAliasIsRemovedMeanwhile() {
        try (Fixture f = fixture(new TestModelProvider("a"))) {
            f.manager.autoSwitch("chat", POLICY, Duration.ofSeconds(10));
            AliasPolicy stale = f.manager.aliasPolicies().get("chat");
            assertThat(f.manager.removeAlias("chat")).isTrue();
            // What the watch would do with a decision taken before the removal:
            assertThat(f.manager.routing().switchAlias("chat", "backup", Duration.ofSeconds(5), "auto-switch: test",
                new Routing.Expected("primary", stale), null)).isNull();
            assertThat(f.manager.aliases()).as("not brought back").doesNotContainKey("chat");
            assertThat(f.manager.info("backup").requesters()).as("no reference left behind")
                .doesNotContain("alias:chat");
        }
    }

    @Test
    void candidatesMustBeRegisteredAndThePolicyValid() {
        try (Fixture f = fixture(new TestModelProvider("a"))) {
            assertThatThrownBy(() -> f.manager.autoSwitch("chat", AliasPolicy.of("primary", "nope"),
                Duration.ofSeconds(5))).isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED);
                    assertThat(e.getMessage()).contains("nope");
                });
            assertThat(f.manager.aliases()).doesNotContainKey("chat");
            assertThatThrownBy(() -> new AliasPolicy(List.of("a"), 1.5, Duration.ofSeconds(5), 1, true))
                .hasMessageContaining("threshold");
            assertThatThrownBy(() -> AliasPolicy.parse(Map.of("candidates", "a,a")))
                .hasMessageContaining("listed twice");
            assertThat(AliasPolicy.parse(POLICY.toProperties())).isEqualTo(POLICY);
            f.manager.autoSwitch("chat", POLICY, Duration.ofSeconds(5));
            assertThat(f.manager.removeAlias("chat")).isTrue();
            assertThat(f.manager.aliasPolicies()).isEmpty();
        }
    }

    @Test
    void thePolicyIsKeptAcrossARestart() {
        Path state = Fixture.tempDir("autoswitch").resolve("state.json");
        TestModelProvider a = new TestModelProvider("a");
        try (Fixture before = new Fixture(Fixture.SETTINGS.withStateFile(state), a)) {
            before.manager.bindProvider(new TestModelProvider("b"), Map.of("service.id", 2L));
            before.manager.register("primary", generation().name("test/primary").provider("a").build(), "shell");
            before.manager.register("backup", generation().name("test/backup").provider("b").build(), "shell");
            before.manager.autoSwitch("chat", POLICY, Duration.ofSeconds(5));
        }
        try (Fixture after = new Fixture(Fixture.SETTINGS.withStateFile(state), new TestModelProvider("a"))) {
            assertThat(after.manager.aliases()).containsEntry("chat", "primary");
            assertThat(after.manager.aliasPolicies()).containsEntry("chat", POLICY);
        }
    }

    private static List<Event> aliasEvents(Fixture f) {
        return f.events.events.stream().filter(e -> e.getTopic().equals(ModelEvents.ALIAS_CHANGED))
            .filter(e -> e.getProperty(ModelEvents.REASON) != null
                && !String.valueOf(e.getProperty(ModelEvents.REASON)).endsWith("first candidate")).toList();
    }
}
