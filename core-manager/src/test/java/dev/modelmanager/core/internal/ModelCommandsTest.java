package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.shell.ModelCommands;
import dev.modelmanager.api.ModelException;

class ModelCommandsTest {
    private final Fixture fixture = new Fixture();
    private final ModelCommands commands = new ModelCommands(fixture.manager);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void listInfoAndStatusDescribeTheModels() {
        assertThat(commands.list()).isEqualTo("No models registered.\n");
        fixture.manager.register("docs", embedding().build(), "bundle.a");
        fixture.manager.embed("docs", List.of("x"));
        fixture.manager.setDefault("docs");

        String list = commands.list();
        assertThat(list.lines().findFirst().orElseThrow()).startsWith("ID").contains("STATUS").contains("PROVIDER");
        assertThat(list).contains("docs (default)").contains("embedding").contains("LOADED").contains("cpu")
            .contains("sentence-transformers/all-MiniLM-L6-v2");

        String info = commands.info("docs");
        assertThat(info).contains("requesters").contains("bundle.a").contains("hub:sentence-transformers/all-MiniLM-L6-v2@main")
            .contains("requests").contains("docs#0".substring(0, 4));

        String status = commands.status();
        assertThat(status).contains("1 registered, 1 loaded; default: docs").contains("test");

        assertThatThrownBy(() -> commands.info("missing")).isInstanceOf(ModelException.class)
            .hasMessage("model 'missing': no model is registered under this id [NOT_REGISTERED]");
    }

    @Test
    void aliasesAndProfilingFromTheShell() {
        fixture.manager.register("story", Fixture.generation().build(), "bundle.a");
        assertThat(commands.alias()).isEqualTo("No aliases.\n");
        assertThat(commands.alias("writer", "story")).isEqualTo("writer -> story (LOADED)\n");
        assertThat(commands.alias()).contains("writer").contains("story");
        assertThat(commands.profile("writer", 3)).startsWith("story: 3 calls, 0 failed; latency mean")
            .contains("tokens/s");
        assertThat(commands.unalias("writer")).isEqualTo("removed writer\n");
        assertThat(commands.stats()).startsWith("MODEL").contains("story").contains("100.0%");
    }

    @Test
    void devicesListTheCpuWithItsMemoryAndTheModelsOnIt() {
        fixture.manager.register("docs", embedding().build(), "bundle.a");
        fixture.manager.embed("docs", List.of("x"));
        String devices = commands.devices();
        assertThat(devices).startsWith("DEVICE").contains("MEMORY FREE");
        assertThat(devices.lines().filter(l -> l.startsWith("cpu")).findFirst().orElseThrow())
            .contains(Runtime.getRuntime().availableProcessors() + " cores").contains("GiB").endsWith("docs");
        assertThat(ModelCommands.bytes(3L << 30)).isEqualTo("3.0 GiB");
        assertThat(ModelCommands.bytes(-1)).isEqualTo("unknown");
    }

    @Test
    void devicesSayWhyADeviceProviderReportsNone() {
        fixture.manager.bindDeviceProvider(new dev.modelmanager.api.spi.DeviceProvider() {
            @Override
            public List<dev.modelmanager.api.spi.DeviceInfo> devices() {
                return List.of();
            }

            @Override
            public String unavailableReason() {
                return "no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH";
            }
        });
        String devices = commands.devices();
        assertThat(devices.lines().toList()).hasSize(3).last()
            .isEqualTo("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
        assertThat(fixture.manager.status().deviceProblems())
            .containsExactly("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
    }

    @Test
    void theShellRegistersLoadsRoutesAndReleases() throws Exception {
        assertThat(commands.register(null, "story", "model_type=text_generation", "name=org/story", "temperature=0.5",
            "option.n_ctx=256")).isEqualTo("registered story (text_generation org/story, 1 reference(s), REGISTERED)\n");
        assertThat(fixture.manager.info("story").requesters()).containsExactly(ModelCommands.SHELL);
        assertThat(commands.load(null, "story")).isEqualTo("loaded story on cpu by test\n");
        assertThat(commands._default()).isEqualTo("no default model\n");
        assertThat(commands._default("story")).isEqualTo("default: story\n");
        assertThat(commands.providers()).contains("test").contains("classification,embedding,text2text,text_generation");
        assertThat(commands.unload("story")).isEqualTo("unloaded story (it stays registered for shell)\n");
        assertThat(commands.release("story")).isEqualTo("released story (0 reference(s) left)\n");
        fixture.manager.register("vectors", embedding().build(), "a");
        fixture.manager.embed("vectors", List.of("x"));
        fixture.manager.embed("vectors", List.of("x"));
        assertThat(commands.cache()).contains("vectors").contains("50%");
        assertThat(commands.info("vectors")).contains("embedding cache : 1 vectors, 1 hits, 1 misses (50% hits)");
        assertThat(commands.cache("clear", "all")).isEqualTo("cleared every embedding cache\n");
        assertThat(fixture.manager.info("vectors").cache().size()).isZero();
        assertThatThrownBy(() -> commands.register(null, "x", "model_type=embedding")).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> commands.register(null, "x", "nonsense")).hasMessageContaining("expected key=value");
    }

    @Test
    void aRelativePathIsTakenAgainstTheSessionsCurrentDirectory(@org.junit.jupiter.api.io.TempDir Path folder)
        throws Exception {
        Path file = java.nio.file.Files.writeString(folder.resolve("story.gguf"), "x");
        org.apache.felix.service.command.CommandSession session = (org.apache.felix.service.command.CommandSession)
            java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {org.apache.felix.service.command.CommandSession.class},
                (proxy, method, args) -> method.getName().equals("currentDir") && args == null ? folder : null);
        commands.register(session, "here", "model_type=text_generation", "name=story", "path=story.gguf");
        assertThat(fixture.manager.info("here").source()).contains(file.toString());
        commands.release("here");
    }

    @Test
    void statsShowTimeToFirstTokenAndInterTokenLatencyForModelsThatGenerated() {
        fixture.manager.register("docs", embedding().build(), "bundle.a");
        fixture.manager.embed("docs", List.of("x"));
        fixture.manager.register("story", Fixture.generation()
            .option(dev.modelmanager.testsupport.TestModelProvider.TOKEN_DELAY_MS, "30").build(), "bundle.a");
        fixture.manager.generate("story", "one two three", null);

        List<String> lines = commands.stats().lines().toList();
        assertThat(lines.get(0)).contains("P99 MS  TTFT P50/P95 MS  ITL P50/P95 MS  ITEMS");
        int ttft = lines.get(0).indexOf("TTFT");
        int itl = lines.get(0).indexOf("ITL");
        String docs = lines.stream().filter(l -> l.startsWith("docs ")).findFirst().orElseThrow();
        String story = lines.stream().filter(l -> l.startsWith("story ")).findFirst().orElseThrow();
        assertThat(docs.substring(ttft, itl).trim()).as("an embedding model never generated").isEqualTo("-");
        assertThat(docs.substring(itl).trim()).startsWith("- ");
        // Each token waits 30 ms: both figures are p50/p95 in milliseconds, from the (25, 50] ms bucket up.
        assertThat(story.substring(ttft, itl).trim()).matches("\\d+\\.\\d/\\d+\\.\\d");
        assertThat(story.substring(itl).trim().split("\\s+")[0]).matches("\\d+\\.\\d/\\d+\\.\\d");
        double ttftP50 = Double.parseDouble(story.substring(ttft, itl).trim().split("/")[0]);
        assertThat(ttftP50).isGreaterThanOrEqualTo(25.0);
    }
}
