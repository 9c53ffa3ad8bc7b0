package dev.modelmanager.device.nvidia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** nvidia-smi's CSV, on recorded outputs: one GPU, several, MIG and [N/A] fields, failures and garbage. */
class NvidiaSmiParseTest {
    private static final long MIB = 1L << 20;

    @Test
    void oneGpu() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse(Recorded.output("one-gpu.csv"));
        assertThat(p.rejected()).isEmpty();
        assertThat(p.gpus()).containsExactly(new GpuReading(0, "GPU-3f9c2a71-8e4b-4d0a-9b6e-2c1d5a7f8e90",
            "NVIDIA H200", 143771 * MIB, 143213 * MIB, 0));
    }

    @Test
    void severalGpusInTheDriversOrderAndATrailingBlankLine() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse(Recorded.output("several-gpus.csv"));
        assertThat(p.rejected()).isEmpty();
        assertThat(p.gpus()).extracting(GpuReading::index).containsExactly(0, 1, 2, 3);
        assertThat(p.gpus()).extracting(GpuReading::name).containsOnly("NVIDIA A100-SXM4-80GB");
        assertThat(p.gpus().get(1).freeBytes()).isEqualTo(40211 * MIB);
        assertThat(p.gpus().get(1).utilization()).isEqualTo(87);
        assertThat(p.gpus().get(3).freeBytes()).isEqualTo(12 * MIB);
        assertThat(p.gpus().get(3).utilization()).isEqualTo(100);
    }

    @Test
    void fieldsAGpuDoesNotReportAreUnknownNotErrors() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse(Recorded.output("mig-and-na.csv"));
        assertThat(p.rejected()).isEmpty();
        assertThat(p.gpus()).containsExactly(
            new GpuReading(0, "GPU-6b2d7f10-1c3e-4a5b-8d9f-0e1a2b3c4d5e", "NVIDIA A100-SXM4-40GB", 40960 * MIB,
                40337 * MIB, -1),
            new GpuReading(1, "GPU-7c3e8a21-2d4f-4b6c-9e0a-1f2b3c4d5e6f", "NVIDIA A100-SXM4-40GB", 40960 * MIB, -1,
                -1),
            new GpuReading(2, null, "GRID A100D-20C", -1, -1, -1));
        assertThat(p.gpus().get(2).physical()).isEqualTo("GPU 2");
    }

    @Test
    void linesThatAreNoGpuAreRejectedAndTheGoodOnesKept() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse(Recorded.output("garbage.txt"));
        assertThat(p.gpus()).extracting(GpuReading::index).containsExactly(0, 3);
        assertThat(p.gpus().get(1).utilization()).isEqualTo(12);
        assertThat(p.rejected()).hasSize(5).first().asString().startsWith("WARNING: infoROM is corrupted");
        assertThat(p.rejected()).anyMatch(l -> l.contains(", abc, ")).anyMatch(l -> l.startsWith("-1,"))
            .anyMatch(l -> l.endsWith(", 250")).anyMatch(l -> l.startsWith("this is not"));
    }

    @Test
    void aDriverFailureHasNoGpu() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse(Recorded.output("driver-failed.txt"));
        assertThat(p.gpus()).isEmpty();
        assertThat(p.rejected()).singleElement().asString().startsWith("NVIDIA-SMI has failed because it couldn't");
    }

    @Test
    void unitsCommasInNamesAndEmptyOutput() {
        assertThat(NvidiaSmi.parse("0, GPU-abc, NVIDIA Tesla V100, Rev 2, 16160 MiB, 100 MiB, 5 %").gpus())
            .containsExactly(new GpuReading(0, "GPU-abc", "NVIDIA Tesla V100, Rev 2", 16160 * MIB, 100 * MIB, 5));
        assertThat(NvidiaSmi.parse("").gpus()).isEmpty();
        assertThat(NvidiaSmi.parse("\n\n  \r\n").rejected()).isEmpty();
        assertThat(NvidiaSmi.parse("0, 1, 2").rejected()).containsExactly("0, 1, 2");
        assertThat(NvidiaSmi.parse("0, not-a-uuid, NVIDIA H200, 1, 1, 1").rejected()).hasSize(1);
        assertThat(NvidiaSmi.command(java.nio.file.Path.of("/usr/bin/nvidia-smi"))).isEqualTo(List.of(
            "/usr/bin/nvidia-smi", "--query-gpu=index,uuid,name,memory.total,memory.free,utilization.gpu",
            "--format=csv,noheader,nounits"));
    }
}
