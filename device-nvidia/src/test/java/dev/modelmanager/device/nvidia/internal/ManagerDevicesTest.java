package dev.modelmanager.device.nvidia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.MemoryUsage;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.shell.ModelCommands;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/** The provider bound to a real manager: {@code model:devices} shows the GPUs, or why there is none. */
class ManagerDevicesTest {
    private static ModelManagerImpl manager(Path dir) throws Exception {
        ManagerSettings s = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createDirectories(dir.resolve("hub")), true,
                false, Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createDirectories(dir.resolve("work")));
        ModelManagerImpl manager = new ModelManagerImpl(s);
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
        return manager;
    }

    @Test
    void modelDevicesEndsWithWhyThereIsNoGpu(@TempDir Path dir) throws Exception {
        Path emptyPath = Files.createDirectories(dir.resolve("bin"));
        NvidiaDeviceProvider gpus = new NvidiaDeviceProvider("", "", Duration.ofSeconds(1), Duration.ofSeconds(5),
            Map.of("PATH", emptyPath.toString()));
        ModelManagerImpl manager = manager(dir);
        try {
            manager.bindDeviceProvider(gpus);
            String problem = gpus.unavailableReason();
            // Real where no driver is installed; on a GPU machine NVML answers and there is no problem to show.
            if (problem != null) {
                assertThat(problem).isEqualTo("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
                List<String> lines = new ModelCommands(manager).devices().lines().toList();
                assertThat(lines.get(0)).startsWith("DEVICE");
                assertThat(lines.get(1)).startsWith("cpu");
                assertThat(lines).last().isEqualTo(problem);
                assertThat(manager.status().deviceProblems()).containsExactly(problem);
            }
        } finally {
            manager.close();
            gpus.close();
        }
    }

    @Test
    void aGpuFromNvidiaSmiIsListedFirstAndGetsItsBudgetFromFreeMemory(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Recorded.fakeSmi(bin, "one-gpu.csv", 0);
        NvidiaDeviceProvider gpus = new NvidiaDeviceProvider("libnvidia-ml-not-installed.so.1", "",
            Duration.ofSeconds(1), Duration.ofSeconds(5), Map.of("PATH", bin.toString()));
        ModelManagerImpl manager = manager(dir);
        try {
            manager.bindDeviceProvider(gpus);
            List<String> lines = new ModelCommands(manager).devices().lines().toList();
            assertThat(lines.get(1)).startsWith("cuda:0").contains("NVIDIA H200 (GPU 0, GPU-3f9c2a71")
                .contains("140.4 GiB").contains("139.9 GiB");
            assertThat(lines).hasSize(3).noneMatch(l -> l.startsWith("no NVIDIA GPU"));
            MemoryUsage onGpu = manager.status().memory().stream().filter(m -> m.device().equals("cuda:0"))
                .findFirst().orElseThrow();
            assertThat(onGpu.budgetBytes()).as("gpu.memory.fraction 0.8 of the free memory")
                .isEqualTo((long) ((143213L << 20) * 0.8));

            manager.register("story", ModelRequirement.builder(ModelType.TEXT_GENERATION, "org/story").device("cuda")
                .build(), "t");
            manager.generate("story", "a b", null);
            assertThat(manager.info("story").device()).isEqualTo("cuda:0");
        } finally {
            manager.close();
            gpus.close();
        }
    }
}
