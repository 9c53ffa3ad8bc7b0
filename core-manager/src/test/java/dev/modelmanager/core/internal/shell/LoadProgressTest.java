package dev.modelmanager.core.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;

/** The line {@code model:load} shows while it waits: a bar with bytes, rate and ETA, or the elapsed time. */
class LoadProgressTest {

    private static ModelInfo info(ModelStatus status, Map<String, String> details) {
        return new ModelInfo("qwen", ModelType.TEXT_GENERATION, "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "hub:x", status, null,
            status == ModelStatus.LOADING ? "llamacpp" : null, List.of("shell"), false, null, null, 0, 0, 0, 0, -1, -1,
            null, null, 0, false, 0, null, details, null, null, 0);
    }

    @Test
    void aDownloadShowsABarWithBytesRateAndEta() {
        String line = LoadProgress.line(info(ModelStatus.DOWNLOADING, Map.of("download.bytes", "104857600",
            "download.total", "419430400", "download.rate", "20971520", "download.eta", "15")), 5000);
        assertThat(line).isEqualTo(
            "qwen downloading [######------------------] 25% 100.0 of 400.0 MiB, 20.0 MiB/s, ETA 15 s");
    }

    @Test
    void anInterruptStopsTheWaitingNotTheLoadAndSaysSoInOneLine() throws Exception {
        dev.modelmanager.core.internal.ModelManagerImpl manager = new dev.modelmanager.core.internal.ModelManagerImpl(
            dev.modelmanager.core.internal.ManagerSettings.DEFAULTS.withIdleTimeout(java.time.Duration.ZERO));
        try {
            manager.bindProvider(new dev.modelmanager.testsupport.TestModelProvider(), Map.of("service.id", 1L));
            manager.register("slow", dev.modelmanager.api.ModelRequirement.builder(ModelType.TEXT_GENERATION, "org/slow")
                .option(dev.modelmanager.testsupport.TestModelProvider.LOAD_DELAY_MS, "1500").build(), "shell");
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    LoadProgress.await(manager, null, "slow", java.time.Duration.ofSeconds(30));
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            waiter.start();
            Thread.sleep(300);
            waiter.interrupt(); // Ctrl-C
            waiter.join(5000);
            assertThat(failed.get()).isInstanceOf(ShellError.class)
                .hasMessage("stopped waiting; slow goes on loading (model:info slow shows how far)");
            assertThat(manager.load("slow", java.time.Duration.ofSeconds(10)).status()).as("the load went on")
                .isEqualTo(ModelStatus.LOADED);
        } finally {
            manager.close();
        }
    }

    @Test
    void anUnknownTotalShowsTheBytesAndALoadTheTimeItTakes() {
        assertThat(LoadProgress.line(info(ModelStatus.DOWNLOADING, Map.of("download.bytes", "1048576",
            "download.total", "-1", "download.rate", "0", "download.eta", "-1")), 1000))
            .isEqualTo("qwen downloading 1.0 MiB, 0.0 MiB/s");
        assertThat(LoadProgress.line(info(ModelStatus.LOADING, Map.of()), 3400)).isEqualTo("qwen loading (3 s) by llamacpp");
    }
}
