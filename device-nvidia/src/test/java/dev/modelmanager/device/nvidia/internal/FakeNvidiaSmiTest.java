package dev.modelmanager.device.nvidia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.spi.DeviceInfo;

/**
 * The fallback end to end: NVML missing (a library name that exists nowhere, so that this holds on GPU machines too), a
 * fake nvidia-smi on a PATH the test controls printing recorded outputs, read through the DeviceProvider.
 */
class FakeNvidiaSmiTest {
    private static final String NO_NVML = "libnvidia-ml-not-installed.so.1";

    @TempDir
    Path bin;

    private NvidiaDeviceProvider provider;

    private NvidiaDeviceProvider provider(Duration refresh, Duration timeout, String... environment) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + java.io.File.pathSeparator + "/usr/bin" + java.io.File.pathSeparator + "/bin");
        for (int i = 0; i < environment.length; i += 2) {
            env.put(environment[i], environment[i + 1]);
        }
        provider = new NvidiaDeviceProvider(NO_NVML, "", refresh, timeout, env);
        return provider;
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void oneGpuIsCudaZeroWithItsMemoryAndNvidiaSmiWasAskedForTheFields() throws IOException {
        Recorded.fakeSmi(bin, "one-gpu.csv", 0);
        List<DeviceInfo> devices = provider(Duration.ofSeconds(1), Duration.ofSeconds(5)).devices();
        assertThat(devices).containsExactly(new DeviceInfo("cuda:0",
            "NVIDIA H200 (GPU 0, GPU-3f9c2a71-8e4b-4d0a-9b6e-2c1d5a7f8e90)", 143771L << 20, 143213L << 20, 1));
        assertThat(provider.unavailableReason()).isNull();
        assertThat(Files.readAllLines(bin.resolve("calls"))).containsExactly(
            "--query-gpu=index,uuid,name,memory.total,memory.free,utilization.gpu --format=csv,noheader,nounits");
        assertThat(provider.current().survey().notes())
            .containsExactly("NVML unavailable (" + NO_NVML + " not found): read through nvidia-smi");
    }

    @Test
    void cudaVisibleDevicesRenumbersTheGpusItLists() throws IOException {
        Recorded.fakeSmi(bin, "several-gpus.csv", 0);
        List<DeviceInfo> devices = provider(Duration.ofSeconds(1), Duration.ofSeconds(5),
            "CUDA_VISIBLE_DEVICES", "3,GPU-a1b2c3d4-9f8e").devices();
        assertThat(devices).extracting(DeviceInfo::id).containsExactly("cuda:0", "cuda:1");
        assertThat(devices.get(0).name()).isEqualTo("NVIDIA A100-SXM4-80GB (GPU 3, GPU-9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f)");
        assertThat(devices.get(0).freeMemoryBytes()).isEqualTo(12L << 20);
        assertThat(devices.get(1).name()).contains("(GPU 1, GPU-a1b2c3d4-9f8e");
        assertThat(provider.unavailableReason()).isNull();
    }

    @Test
    void cudaVisibleDevicesMinusOneHidesThemAllAndSaysSo() throws IOException {
        Recorded.fakeSmi(bin, "one-gpu.csv", 0);
        provider(Duration.ofSeconds(1), Duration.ofSeconds(5), "CUDA_VISIBLE_DEVICES", "-1");
        assertThat(provider.devices()).isEmpty();
        assertThat(provider.unavailableReason()).isEqualTo("no NVIDIA GPU visible: CUDA_VISIBLE_DEVICES=-1: '-1' "
            + "matches no GPU (the list ends there); hides GPU 0 (NVIDIA H200, GPU-3f9c2a71-8e4b-4d0a-9b6e-2c1d5a7f8e90)");
    }

    @Test
    void migGpusWithoutUtilizationOrFreeMemoryAreStillDevices() throws IOException {
        Recorded.fakeSmi(bin, "mig-and-na.csv", 0);
        List<DeviceInfo> devices = provider(Duration.ofSeconds(1), Duration.ofSeconds(5)).devices();
        assertThat(devices).extracting(DeviceInfo::freeMemoryBytes).containsExactly(40337L << 20, -1L, -1L);
        assertThat(devices.get(2).name()).isEqualTo("GRID A100D-20C (GPU 2)");
    }

    @Test
    void aFailingNvidiaSmiIsTheReasonWithWhatItPrinted() throws IOException {
        Recorded.fakeSmi(bin, "driver-failed.txt", 9);
        provider(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(provider.devices()).isEmpty();
        assertThat(provider.unavailableReason()).isEqualTo("no NVIDIA GPU: " + NO_NVML + " not found and nvidia-smi "
            + "failed (exit 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make "
            + "sure that the latest NVIDIA driver is installed and running.");
    }

    @Test
    void garbageAroundTheGpuLinesLeavesTheGoodOnes() throws IOException {
        Recorded.fakeSmi(bin, "garbage.txt", 0);
        assertThat(provider(Duration.ofSeconds(1), Duration.ofSeconds(5)).devices()).extracting(DeviceInfo::name)
            .containsExactly("Tesla T4 (GPU 0, GPU-1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9)",
                "Tesla T4 (GPU 3, GPU-5e6f7081-92a3-44b5-c6d7-e8f9a0b1c2d3)");
        assertThat(provider.current().survey().notes()).hasSize(6)
            .anyMatch(n -> n.equals("nvidia-smi printed a line that is no GPU: WARNING: infoROM is corrupted at gpu "
                + "0000:3B:00.0"));
    }

    @Test
    void aHangingNvidiaSmiIsKilledAndReported() throws IOException {
        Recorded.script(bin, "exec sleep 30\n");
        long start = System.nanoTime();
        provider(Duration.ofSeconds(1), Duration.ofMillis(300));
        assertThat(provider.devices()).isEmpty();
        assertThat(provider.unavailableReason()).isEqualTo("no NVIDIA GPU: " + NO_NVML + " not found and nvidia-smi "
            + "did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void readingsAreKeptForTheRefreshPeriodThenFreeMemoryIsReadAgainInTheBackground() throws Exception {
        Recorded.fakeSmi(bin, "one-gpu.csv", 0);
        provider(Duration.ofMillis(300), Duration.ofSeconds(5));
        for (int i = 0; i < 20; i++) {
            assertThat(provider.devices()).hasSize(1);
        }
        assertThat(Recorded.calls(bin)).as("one reading for calls within the refresh period").isEqualTo(1);

        Files.writeString(bin.resolve("output"), Recorded.output("one-gpu.csv").replace("143213", "100000"));
        Thread.sleep(400);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (provider.devices().get(0).freeMemoryBytes() != 100000L << 20) {
            assertThat(System.nanoTime()).as("the new free memory arrives").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(Recorded.calls(bin)).isBetween(2L, 3L);
    }
}
