package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import dev.modelmanager.api.event.ManagerEvents;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The events of the seed documents beyond a model's lifecycle: the manager initialized (also when Event Admin comes
 * after it, as Declarative Services binds it after construction), its state saved (with the path), a model evicted
 * after its idle timeout, a profiling run started and completed (with its figures).
 */
class ManagerEventsTest {

    @Test
    void initializedIsDeliveredToAnEventAdminThatArrivesAfterTheManagerStarted() {
        Path state = Fixture.tempDir("events").resolve("state.json");
        ModelManagerImpl manager = new ModelManagerImpl(Fixture.SETTINGS.withStateFile(state));
        try {
            Fixture.RecordingEventAdmin admin = new Fixture.RecordingEventAdmin();
            manager.bindEventAdmin(admin);
            Event initialized = only(admin, ManagerEvents.INITIALIZED);
            assertThat(initialized.getProperty(ManagerEvents.PATH)).isEqualTo(state.toString());
            assertThat(initialized.getProperty(ManagerEvents.MODEL_COUNT)).isEqualTo(0);
        } finally {
            manager.close();
        }
    }

    @Test
    void eachWriteOfTheStateIsAnEventWithItsPath() {
        Path state = Fixture.tempDir("events").resolve("state.json");
        try (Fixture f = new Fixture(Fixture.SETTINGS.withStateFile(state), new TestModelProvider())) {
            f.manager.register("story", generation().build(), "shell");
            await("a STATE_SAVED event", () -> f.events.events.stream()
                .anyMatch(e -> e.getTopic().equals(ManagerEvents.STATE_SAVED)
                    && Integer.valueOf(1).equals(e.getProperty(ManagerEvents.MODEL_COUNT))));
            Event saved = f.events.events.stream().filter(e -> e.getTopic().equals(ManagerEvents.STATE_SAVED))
                .reduce((a, b) -> b).orElseThrow();
            assertThat(saved.getProperty(ManagerEvents.PATH)).isEqualTo(state.toString());
            assertThat((String) saved.getProperty(ManagerEvents.SAVED_AT)).isNotBlank();
        }
    }

    @Test
    void aModelUnloadedAfterItsIdleTimeoutIsEvictedForIdleness() {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withIdleTimeout(Duration.ofMillis(200)),
            new TestModelProvider())) {
            f.manager.register("story", generation().build(), "t");
            f.manager.generate("story", "a b", null);
            f.manager.release("story", "t");
            await("evicted and unloaded", () -> f.events.topicsOf("story").contains("UNLOADED"));
            Event evicted = f.events.events.stream().filter(e -> e.getTopic().equals(ModelEvents.EVICTED))
                .findFirst().orElseThrow();
            assertThat(evicted.getProperty(ModelEvents.CAUSE)).isEqualTo(ModelEvents.CAUSE_IDLE);
            assertThat(f.events.topicsOf("story")).containsSubsequence("LOADED", "EVICTED", "UNLOADED");
        }
    }

    @Test
    void aModelReleasedBeforeItLoadedIsNotEvicted() {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withIdleTimeout(Duration.ofMillis(50)),
            new TestModelProvider())) {
            f.manager.register("story", generation().build(), "t");
            f.manager.release("story", "t");
            await("released", () -> f.events.topicsOf("story").contains("RELEASED"));
            assertThat(f.events.topicsOf("story")).doesNotContain("EVICTED");
        }
    }

    @Test
    void profilingPostsItsStartAndItsFigures() {
        try (Fixture f = new Fixture()) {
            f.manager.register("story", generation().build(), "t");
            f.manager.profile("story", 3);
            Event started = only(f.events, ModelEvents.PROFILING_STARTED);
            assertThat(started.getProperty(ModelEvents.MODEL_ID)).isEqualTo("story");
            assertThat(started.getProperty(ModelEvents.REQUESTS)).isEqualTo(3);
            Event completed = only(f.events, ModelEvents.PROFILING_COMPLETED);
            assertThat(completed.getProperty(ModelEvents.REQUESTS)).isEqualTo(3);
            assertThat(completed.getProperty(ModelEvents.FAILURES)).isEqualTo(0);
            assertThat((Double) completed.getProperty(ModelEvents.P95_LATENCY_MS)).isPositive();
            assertThat((Double) completed.getProperty(ModelEvents.TOKENS_PER_SECOND)).isPositive();
            assertThat(f.events.events.indexOf(started)).isLessThan(f.events.events.indexOf(completed));
        }
    }

    private static Event only(Fixture.RecordingEventAdmin admin, String topic) {
        List<Event> matching = admin.events.stream().filter(e -> e.getTopic().equals(topic)).toList();
        assertThat(matching).as(topic).hasSize(1);
        return matching.get(0);
    }
}
