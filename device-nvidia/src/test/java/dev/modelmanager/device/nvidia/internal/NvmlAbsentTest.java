package dev.modelmanager.device.nvidia.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where no NVIDIA driver is installed (this build's machines), the real JNA lookup of libnvidia-ml.so.1 fails: the
 * provider reports no device and says why. Skipped where NVML loads (a GPU machine: {@code gpu-check.sh} is its test).
 */
class NvmlAbsentTest {
    @BeforeAll
    static void noDriverHere() {
        boolean loads;
        try (Nvml nvml = Nvml.open(GpuProbe.defaultLibrary())) {
            loads = true;
        } catch (Nvml.Unavailable e) {
            loads = false;
        }
        assumeTrue(!loads, "NVML loads on this machine");
    }

    @Test
    void theRealLookupFailsNamingTheLibrary() {
        assertThatThrownBy(() -> Nvml.open("libnvidia-ml.so.1")).isInstanceOf(Nvml.Unavailable.class)
            .hasMessage("libnvidia-ml.so.1 not found");
    }

    @Test
    void withoutNvmlAndWithoutNvidiaSmiThereIsNoGpuAndTheReasonSaysWhy(@TempDir Path emptyPath) {
        NvidiaDeviceProvider provider = new NvidiaDeviceProvider("", "", Duration.ofSeconds(1), Duration.ofSeconds(5),
            Map.of("PATH", emptyPath.toString()));
        try {
            assertThat(provider.devices()).isEmpty();
            assertThat(provider.unavailableReason())
                .isEqualTo("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
        } finally {
            provider.close();
        }
    }

    @Test
    void aConfiguredNvidiaSmiThatIsNotThereIsNamed(@TempDir Path dir) {
        NvidiaDeviceProvider provider = new NvidiaDeviceProvider("", dir.resolve("nvidia-smi").toString(),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Map.of());
        try {
            assertThat(provider.unavailableReason()).isEqualTo("no NVIDIA GPU: libnvidia-ml.so.1 not found and "
                + "nvidia.smi=" + dir.resolve("nvidia-smi") + " is not an executable file");
        } finally {
            provider.close();
        }
    }

    @Test
    void gpuCheckSaysTheSameAndExitsOne(@TempDir Path emptyPath) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int status = GpuCheck.run("", "", Map.of("PATH", emptyPath.toString()),
            new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines()).containsExactly(
            "NVML (libnvidia-ml.so.1): libnvidia-ml.so.1 not found",
            "nvidia-smi: nvidia-smi not on PATH",
            "The manager's devices (CUDA_VISIBLE_DEVICES unset):",
            "  none: no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH");
    }
}
