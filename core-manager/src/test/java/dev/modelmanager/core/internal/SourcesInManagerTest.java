package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.shell.ModelCommands;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.core.internal.source.FakeHub;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/** Model sources through the manager: fail-fast registration, prefetch, files handed to the provider. */
class SourcesInManagerTest {
    private static final byte[] CONFIG = "{\"hidden_size\": 384}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = new byte[600_000];

    static {
        new Random(7).nextBytes(WEIGHTS);
    }

    /** An ONNX-style provider: wants a config and the weights, and keeps what it was given. */
    static final class FileHungryProvider extends TestModelProvider {
        final AtomicReference<LoadRequest> lastLoad = new AtomicReference<>();

        @Override
        public List<FileRequest> files(ModelRequirement requirement) {
            return List.of(FileRequest.required("config.json"), FileRequest.required("onnx/model.onnx"),
                FileRequest.optional("onnx/model_quantized.onnx"));
        }

        @Override
        public LoadedModel load(LoadRequest request) throws Exception {
            request.files().require("config.json");
            request.files().require("onnx/model.onnx");
            lastLoad.set(request);
            return super.load(request);
        }
    }

    private final FakeHub hub;
    private final FileHungryProvider provider = new FileHungryProvider();
    private Fixture fixture;

    SourcesInManagerTest() throws Exception {
        hub = new FakeHub().file("org/bert", "config.json", CONFIG).lfsFile("org/bert", "onnx/model.onnx", WEIGHTS)
            .gated("org/private", "hf_top_secret").file("org/private", "config.json", CONFIG)
            .lfsFile("org/private", "onnx/model.onnx", WEIGHTS);
    }

    private ModelManagerImpl manager(String token, boolean offline) {
        HubSettings settings = new HubSettings(hub.endpoint(), token, Fixture.tempDir("hub"), offline, false,
            Duration.ofSeconds(2), Duration.ofSeconds(5));
        fixture = new Fixture(Fixture.SETTINGS.withHub(settings, Fixture.tempDir("work")), provider);
        return fixture.manager;
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        hub.close();
    }

    private static ModelRequirement bert(String repository) {
        return ModelRequirement.builder(ModelType.EMBEDDING, repository).dimension(384).build();
    }

    @Test
    void registrationFailsFastWhenTheSourceCannotBeHad() {
        ModelManagerImpl manager = manager(null, false);
        assertThatThrownBy(() -> manager.register("missing", bert("org/absent"), "a"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
                assertThat(e.getMessage()).contains("model 'missing'").contains("no such repository or file: org/absent");
            });
        assertThatThrownBy(() -> manager.register("private", bert("org/private"), "a"))
            .hasMessageContaining("no token is configured");
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void filesArePrefetchedAtRegistrationAndHandedToTheProvider() throws Exception {
        hub.chunkDelayMs = 20;
        ModelManagerImpl manager = manager(null, false);
        manager.register("bert", bert("org/bert"), "a");
        assertThat(manager.info("bert").status()).isEqualTo(ModelStatus.DOWNLOADING);
        await("progress shows", () -> {
            String progress = manager.info("bert").progress();
            return progress != null && progress.contains("onnx/model.onnx") && progress.contains("%");
        });
        await("prefetched", () -> manager.info("bert").status() == ModelStatus.REGISTERED);
        assertThat(provider.loads()).as("prefetch downloads, it does not load").isZero();
        int served = hub.bodiesServed.get();

        manager.embed("bert", List.of("hello"));
        LoadRequest load = provider.lastLoad.get();
        assertThat(Files.readAllBytes(load.files().require("onnx/model.onnx"))).isEqualTo(WEIGHTS);
        assertThat(Files.readAllBytes(load.files().require("config.json"))).isEqualTo(CONFIG);
        assertThat(load.files().file("onnx/model_quantized.onnx")).as("optional and absent").isEmpty();
        assertThat(hub.bodiesServed.get()).as("loading downloads nothing more").isEqualTo(served);
        assertThat(fixture.events.topicsOf("bert")).startsWith("REGISTERED", "DOWNLOADING");
    }

    @Test
    void aDownloadShowsItsFiguresAndPostsProgressEventsOnceASecond() {
        hub.chunkDelayMs = 70; // about 2.5 s for the weights
        ModelManagerImpl manager = manager(null, false);
        manager.register("bert", bert("org/bert"), "a");
        await("the weights' figures in model:info", () -> {
            java.util.Map<String, String> d = manager.info("bert").details();
            return d.containsKey("download.eta") && Long.parseLong(d.get("download.bytes")) > 0
                && Long.parseLong(d.get("download.total")) >= WEIGHTS.length;
        });
        await("a progress event", Duration.ofSeconds(10), () -> fixture.events.events.stream()
            .anyMatch(e -> e.getTopic().equals(dev.modelmanager.api.event.ModelEvents.DOWNLOAD_PROGRESS)
                && "bert".equals(e.getProperty("model.id"))));
        org.osgi.service.event.Event progress = fixture.events.events.stream()
            .filter(e -> e.getTopic().equals(dev.modelmanager.api.event.ModelEvents.DOWNLOAD_PROGRESS)).findFirst()
            .orElseThrow();
        assertThat((Long) progress.getProperty("bytes")).isPositive();
        assertThat((Long) progress.getProperty("total.bytes")).isIn((long) WEIGHTS.length,
            (long) WEIGHTS.length + CONFIG.length);
        assertThat((String) progress.getProperty("progress")).contains("onnx/model.onnx").contains("ETA");
        await("prefetched", Duration.ofSeconds(20), () -> manager.info("bert").status() == ModelStatus.REGISTERED);
        assertThat(manager.info("bert").details()).doesNotContainKey("download.bytes");
    }

    @Test
    void aGatedModelLoadsWithTheTokenWhichNeverShows() {
        ModelManagerImpl manager = manager("hf_top_secret", false);
        manager.register("private", bert("org/private"), "a");
        manager.embed("private", List.of("hello"));
        assertThat(manager.info("private").status()).isEqualTo(ModelStatus.LOADED);
        assertThat(manager.status().toString()).doesNotContain("hf_top_secret");
        assertThat(fixture.events.events).allSatisfy(e -> {
            for (String name : e.getPropertyNames()) {
                assertThat(String.valueOf(e.getProperty(name))).doesNotContain("hf_top_secret");
            }
        });
        assertThat(Fixture.SETTINGS.withHub(new HubSettings(hub.endpoint(), "hf_top_secret", Path.of("x"), false, false,
            Duration.ofSeconds(1), Duration.ofSeconds(1)), Path.of("w")).toString()).doesNotContain("hf_top_secret");
        new ModelCommands(manager).status().lines().forEach(line -> assertThat(line).doesNotContain("hf_top_secret"));
    }

    @Test
    void offlineWithNothingCachedIsAClearErrorAtRegistration() {
        ModelManagerImpl manager = manager(null, true);
        assertThatThrownBy(() -> manager.register("bert", bert("org/bert"), "a"))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.getMessage())
                .contains("org/bert/config.json").contains("not in the cache").contains("offline mode"));
        assertThat(hub.count("HEAD", "hub")).isZero();
    }

    @Test
    void aRequirementWithAFailingSourceFailsItsLoadWithTheReason() throws Exception {
        ModelManagerImpl manager = manager(null, false);
        manager.register("bert", bert("org/bert"), "a");
        await("prefetched", () -> manager.info("bert").status() == ModelStatus.REGISTERED);
        // A local path that disappears between registration and load.
        Path gone = Files.createTempFile("model", ".gguf");
        manager.register("local", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories").path(gone.toString())
            .provider("test").build(), "a");
        Files.delete(gone);
        assertThatThrownBy(() -> manager.generate("local", "a b", null))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
                assertThat(e.getMessage()).contains("no such file or folder");
            });
        assertThat(manager.info("local").status()).isEqualTo(ModelStatus.FAILED);
    }
}
