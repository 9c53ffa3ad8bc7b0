package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.testsupport.TestModelProvider;

/** The manager's state survives a restart, and a crash (no clean close) between two changes. */
class PersistenceTest {
    private final Path dir = Fixture.tempDir("state");
    private final ManagerSettings settings = Fixture.SETTINGS.withStateFile(dir.resolve("state.json"))
        .withIdleTimeout(java.time.Duration.ofMinutes(5));

    @Test
    void durableRegistrationsTheDefaultLoadedModelsAndStatisticsComeBack() throws Exception {
        try (Fixture before = new Fixture(settings, new TestModelProvider())) {
            before.manager.register("docs", embedding().pinned(true).build(), "shell");
            before.manager.register("docs", embedding().build(), "bundle.a");
            before.manager.register("story", generation().build(), "rest:ci");
            before.manager.register("bundle-only", generation().name("test/bundle-only").build(), "bundle.b");
            before.manager.setDefault("story");
            before.manager.embed("docs", List.of("one", "two", "three"));
            before.manager.load("bundle-only", null);
            assertThat(before.manager.info("docs").status()).isEqualTo(ModelStatus.LOADED);
        }
        assertThat(Files.readString(dir.resolve("state.json"))).contains("\"docs\"", "\"story\"", "rest:ci")
            .doesNotContain("hf_");

        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            // Durable requesters are back; bundles will register again themselves.
            assertThat(after.manager.info("docs").requesters()).containsExactly("shell");
            assertThat(after.manager.info("docs").pinned()).isTrue();
            assertThat(after.manager.info("story").requesters()).containsExactly("rest:ci");
            assertThat(after.manager.list()).extracting(m -> m.modelId()).doesNotContain("bundle-only");
            assertThat(after.manager.defaultModel()).contains("story");
            // What was loaded loads again, without a call.
            await("docs loaded again", () -> after.manager.info("docs").status() == ModelStatus.LOADED);
            assertThat(after.manager.info("story").status()).isNotEqualTo(ModelStatus.LOADED);
            // Statistics continue.
            assertThat(after.manager.info("docs").stats().requests()).isEqualTo(1);
            assertThat(after.manager.info("docs").stats().items()).isEqualTo(3);
            // A bundle's model that was loaded loads again when the bundle registers it.
            after.manager.register("bundle-only", generation().name("test/bundle-only").build(), "bundle.b");
            await("bundle-only loaded again", () -> after.manager.info("bundle-only").status() == ModelStatus.LOADED);
        }
    }

    @Test
    void statisticsOfRemovedModelsComeBackOldestFirstWhenRegisteredAgain() throws Exception {
        ManagerSettings quick = settings.withIdleTimeout(java.time.Duration.ZERO);
        try (Fixture before = new Fixture(quick, new TestModelProvider())) {
            for (String id : List.of("zeta", "alpha", "mid")) {
                before.manager.register(id, embedding().build(), "shell");
                before.manager.embed(id, List.of("one", "two"));
                before.manager.release(id, "shell");
                await(id + " removed", () -> before.manager.list().stream().noneMatch(m -> m.modelId().equals(id)));
            }
        }
        ObjectNode state = (ObjectNode) new ObjectMapper().readTree(dir.resolve("state.json").toFile());
        List<String> order = new java.util.ArrayList<>();
        state.get("retainedStats").fieldNames().forEachRemaining(order::add);
        assertThat(order).as("in the order they were removed, not by id").containsExactly("zeta", "alpha", "mid");
        try (Fixture after = new Fixture(quick, new TestModelProvider())) {
            after.manager.register("alpha", embedding().build(), "shell");
            assertThat(after.manager.info("alpha").stats().items()).isEqualTo(2);
        }
    }

    @Test
    void aCrashAfterARegistrationLosesNothing() {
        Fixture crashed = new Fixture(settings, new TestModelProvider());
        crashed.manager.register("story", generation().build(), "shell");
        crashed.manager.setDefault("story");
        // No close(): the process died here. A second manager reads what the first wrote before returning.
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.info("story").requesters()).containsExactly("shell");
            assertThat(after.manager.defaultModel()).contains("story");
            after.manager.release("story", "shell");
        }
        try (Fixture again = new Fixture(settings, new TestModelProvider())) {
            assertThat(again.manager.list()).as("a release is kept too").isEmpty();
        }
        crashed.manager.close();
    }

    @Test
    void aCorruptFileIsKeptAsideAndTheManagerStartsClean() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"version\":1,\"models\":[{\"id\":");
        try (Fixture fixture = new Fixture(settings, new TestModelProvider())) {
            assertThat(fixture.manager.list()).isEmpty();
            fixture.manager.register("docs", embedding().build(), "shell");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(2).anyMatch(n -> n.startsWith("state.json.corrupt-")).contains("state.json")
                .as("no temporary file is left behind").noneMatch(n -> n.endsWith(".tmp"));
        }
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.info("docs").requesters()).containsExactly("shell");
        }
    }

    @Test
    void aFileANewerVersionWroteIsKeptWholeUnderItsFormatNotAsCorrupt() throws Exception {
        // a format this version cannot map: models became an object
        String newer = "{\"version\":7,\"models\":{\"docs\":{\"requirement\":{},\"requesters\":[\"shell\"]}},"
            + "\"somethingNew\":true}";
        Files.writeString(dir.resolve("state.json"), newer);
        try (Fixture fixture = new Fixture(settings, new TestModelProvider())) {
            assertThat(fixture.manager.list()).isEmpty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("state.json.v7-")).toList();
            assertThat(aside).hasSize(1);
            assertThat(Files.readString(aside.get(0))).isEqualTo(newer);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("corrupt"));
        }
    }

    @Test
    void aRegistrationWhoseFilesAreMissingAtTheRestartComesBackAndFailsItsLoadNamingThem() throws Exception {
        // At a boot the Hub may be out of reach and a mount not up yet: the registration is kept, not dropped.
        Path model = Files.createTempFile(dir, "model", ".bin");
        try (Fixture before = new Fixture(settings, new TestModelProvider())) {
            before.manager.register("local", generation().path(model.toString()).build(), "shell");
            before.manager.register("docs", embedding().build(), "shell");
        }
        Files.delete(model);
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.list()).extracting(m -> m.modelId()).containsExactlyInAnyOrder("docs", "local");
            assertThatThrownBy(() -> after.manager.load("local", java.time.Duration.ofSeconds(10)))
                .isInstanceOf(dev.modelmanager.api.ModelException.class).hasMessageContaining(model.toString());
        }
        Files.writeString(model, "back");
        try (Fixture mounted = new Fixture(settings, new TestModelProvider())) {
            assertThat(mounted.manager.load("local", java.time.Duration.ofSeconds(10)).status())
                .as("the file is back: the model loads").isEqualTo(ModelStatus.LOADED);
        }
    }

    @Test
    void aModelLoadedBeforeABootWhereItsFilesWereMissingLoadsAgainOnceTheyAreBack() throws Exception {
        Path model = Files.createTempFile(dir, "model", ".bin");
        try (Fixture before = new Fixture(settings, new TestModelProvider())) {
            before.manager.register("local", generation().path(model.toString()).build(), "shell");
            before.manager.load("local", java.time.Duration.ofSeconds(10));
        }
        Files.delete(model);
        try (Fixture bad = new Fixture(settings, new TestModelProvider())) {
            await("the load failed", () -> bad.manager.info("local").status() == ModelStatus.FAILED);
            bad.manager.register("other", embedding().build(), "shell"); // a write while it is FAILED
        }
        Files.writeString(model, "back");
        try (Fixture mounted = new Fixture(settings, new TestModelProvider())) {
            await("loaded again without a call", () -> mounted.manager.info("local").status() == ModelStatus.LOADED);
            mounted.manager.unload("local");
            mounted.manager.register("third", embedding().build(), "shell");
        }
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.info("local").status()).as("an operator's unload is kept")
                .isNotEqualTo(ModelStatus.LOADED);
        }
    }

    @Test
    void aRegistrationThatCannotBeRestoredIsReportedTheRestComesBackAndTheFileAsItWasIsKept() throws Exception {
        try (Fixture before = new Fixture(settings, new TestModelProvider())) {
            before.manager.register("story", generation().build(), "shell");
            before.manager.register("docs", embedding().build(), "shell");
        }
        // A requirement this version cannot read any more (a newer one wrote it, or a hand edit).
        Path file = dir.resolve("state.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode state = (ObjectNode) json.readTree(file.toFile());
        for (var m : state.get("models")) {
            if (m.get("id").asText().equals("story")) {
                ((ObjectNode) m.get("requirement")).put("model_type", "hologram");
            }
        }
        String unreadable = json.writeValueAsString(state);
        Files.writeString(file, unreadable);
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.list()).extracting(m -> m.modelId()).containsExactly("docs");
        }
        try (Stream<Path> files = Files.list(dir)) {
            Path kept = files.filter(p -> p.getFileName().toString().startsWith("state.json.unrestored-")).findFirst()
                .orElseThrow(() -> new AssertionError("the state as it was is kept"));
            assertThat(Files.readString(kept)).isEqualTo(unreadable);
        }
    }

    @Test
    void aStateThatCannotBeWrittenIsShownInTheStatusUntilAWriteSucceeds() throws Exception {
        Path file = dir.resolve("state.json");
        try (Fixture fixture = new Fixture(settings, new TestModelProvider())) {
            fixture.manager.register("docs", embedding().build(), "shell");
            assertThat(fixture.manager.status().settingsProblems()).isEmpty();
            // Something that cannot be replaced now stands where the file goes (as a full or read-only disk would).
            Files.delete(file);
            Files.createDirectories(file.resolve("in-the-way"));
            fixture.manager.register("story", generation().build(), "shell");
            assertThat(fixture.manager.info("story").requesters()).as("the registration itself stands")
                .containsExactly("shell");
            assertThat(fixture.manager.status().settingsProblems()).singleElement().asString()
                .startsWith("state.file: " + file).contains("cannot be written since")
                .contains("changes made since are not saved");
            Files.delete(file.resolve("in-the-way"));
            Files.delete(file);
            fixture.manager.register("story2", generation().build(), "shell");
            assertThat(fixture.manager.status().settingsProblems()).as("written again").isEmpty();
        }
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            assertThat(after.manager.list()).extracting(m -> m.modelId())
                .containsExactlyInAnyOrder("docs", "story", "story2");
        }
    }

    @Test
    void tokenTimesAreKeptAndAFileWrittenBeforeThemStillLoads() throws Exception {
        try (Fixture before = new Fixture(settings, new TestModelProvider())) {
            before.manager.register("story", generation().build(), "shell");
            before.manager.generate("story", "one two three", null);
        }
        Path file = dir.resolve("state.json");
        try (Fixture after = new Fixture(settings, new TestModelProvider())) {
            ModelStats stats = after.manager.info("story").stats();
            assertThat(stats.timeToFirstTokenCount()).isEqualTo(1);
            assertThat(stats.interTokenLatencyCount()).isEqualTo(2);
        }

        // The file as the version before token times wrote it: statistics without the four fields.
        ObjectMapper json = new ObjectMapper();
        ObjectNode state = (ObjectNode) json.readTree(file.toFile());
        ObjectNode saved = (ObjectNode) state.get("models").get(0).get("stats");
        assertThat(saved.has("timeToFirstTokenBuckets")).isTrue();
        assertThat(saved.has("timeToFirstTokenCount")).as("derived, not saved").isFalse();
        saved.remove(List.of("timeToFirstTokenSeconds", "timeToFirstTokenBuckets", "interTokenLatencySeconds",
            "interTokenLatencyBuckets"));
        Files.writeString(file, json.writeValueAsString(state));

        try (Fixture older = new Fixture(settings, new TestModelProvider())) {
            ModelStats stats = older.manager.info("story").stats();
            assertThat(stats.requests()).as("the rest of the statistics came back").isEqualTo(1);
            assertThat(stats.generatedTokens()).isEqualTo(3);
            assertThat(stats.timeToFirstTokenCount()).isZero();
            assertThat(stats.interTokenLatencyCount()).isZero();
            older.manager.generate("story", "four five", null);
            assertThat(older.manager.info("story").stats().timeToFirstTokenCount()).isEqualTo(1);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("corrupt"));
        }
    }
}
