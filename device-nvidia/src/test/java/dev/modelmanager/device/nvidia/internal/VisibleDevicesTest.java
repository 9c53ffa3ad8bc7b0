package dev.modelmanager.device.nvidia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.spi.DeviceInfo;

/** CUDA_VISIBLE_DEVICES: indices and UUID prefixes, CUDA's renumbering, the entry that ends the list, none. */
class VisibleDevicesTest {
    /** Four A100s; GPUs 0 and 1 share the UUID prefix GPU-a1b2c3d4. */
    private static final List<GpuReading> FOUR = NvidiaSmi.parse(Recorded.output("several-gpus.csv")).gpus();

    private static List<Integer> physical(VisibleDevices.Visible v) {
        return v.gpus().stream().map(GpuReading::index).toList();
    }

    @Test
    void unsetShowsEveryGpuInTheDriversOrder() {
        VisibleDevices.Visible v = VisibleDevices.apply(null, null, FOUR);
        assertThat(physical(v)).containsExactly(0, 1, 2, 3);
        assertThat(v.problem()).isNull();
        assertThat(v.note()).isNull();
        List<DeviceInfo> devices = v.devices();
        assertThat(devices).extracting(DeviceInfo::id).containsExactly("cuda:0", "cuda:1", "cuda:2", "cuda:3");
        assertThat(devices.get(2)).isEqualTo(new DeviceInfo("cuda:2",
            "NVIDIA A100-SXM4-80GB (GPU 2, GPU-5e6f7a8b-0c1d-4e2f-a3b4-c5d6e7f8a9b0)", 81920L << 20, 81153L << 20, 1));
        assertThat(devices.get(2).isGpu()).isTrue();
    }

    @Test
    void theListedGpusAreRenumberedInTheirOrder() {
        VisibleDevices.Visible v = VisibleDevices.apply("3,1", null, FOUR);
        assertThat(physical(v)).containsExactly(3, 1);
        assertThat(v.devices()).extracting(DeviceInfo::id).containsExactly("cuda:0", "cuda:1");
        assertThat(v.devices().get(0).name()).contains("(GPU 3, GPU-9c0d1e2f");
        assertThat(v.note()).isEqualTo("CUDA_VISIBLE_DEVICES=3,1: hides GPU 0 (NVIDIA A100-SXM4-80GB, "
            + "GPU-a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d), GPU 2 (NVIDIA A100-SXM4-80GB, "
            + "GPU-5e6f7a8b-0c1d-4e2f-a3b4-c5d6e7f8a9b0)");
        assertThat(physical(VisibleDevices.apply(" 2 , 0 ", null, FOUR))).containsExactly(2, 0);
    }

    @Test
    void uuidPrefixesMatchOneGpuAndAnAmbiguousOneMatchesNone() {
        assertThat(physical(VisibleDevices.apply("GPU-9c0d,gpu-5E6F7A8B-0c1d", null, FOUR))).containsExactly(3, 2);
        assertThat(physical(VisibleDevices.apply("GPU-a1b2c3d4-9f8e", null, FOUR))).containsExactly(1);
        VisibleDevices.Visible ambiguous = VisibleDevices.apply("2,GPU-a1b2c3d4,3", null, FOUR);
        assertThat(physical(ambiguous)).containsExactly(2);
        assertThat(ambiguous.note()).startsWith("CUDA_VISIBLE_DEVICES=2,GPU-a1b2c3d4,3: 'GPU-a1b2c3d4' matches no GPU, "
            + "so it and the entries after it are left out; hides GPU 0");
    }

    @Test
    void anEntryThatMatchesNoGpuEndsTheListAsInCuda() {
        assertThat(physical(VisibleDevices.apply("0,2,-1,1", null, FOUR))).containsExactly(0, 2);
        assertThat(physical(VisibleDevices.apply("1,7,0", null, FOUR))).containsExactly(1);
        assertThat(physical(VisibleDevices.apply("1,1,0", null, FOUR))).containsExactly(1);
        assertThat(VisibleDevices.apply("1,1,0", null, FOUR).note()).contains("'1' names a GPU listed before it");
        VisibleDevices.Visible mig = VisibleDevices.apply("0,MIG-4f5e6d7c-8b9a-5c0d-9e1f-2a3b4c5d6e7f", null, FOUR);
        assertThat(physical(mig)).containsExactly(0);
        assertThat(mig.note()).contains("is a MIG instance, which this bundle does not resolve");
    }

    @Test
    void emptyOrMinusOneHidesEveryGpuAndSaysSo() {
        VisibleDevices.Visible empty = VisibleDevices.apply("", null, FOUR);
        assertThat(empty.gpus()).isEmpty();
        assertThat(empty.problem()).startsWith("no NVIDIA GPU visible: CUDA_VISIBLE_DEVICES=\"\": hides GPU 0 (")
            .contains("GPU 3 (NVIDIA A100-SXM4-80GB, GPU-9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f)");
        VisibleDevices.Visible none = VisibleDevices.apply("-1", null, FOUR);
        assertThat(none.gpus()).isEmpty();
        assertThat(none.problem()).startsWith("no NVIDIA GPU visible: CUDA_VISIBLE_DEVICES=-1: '-1' matches no GPU "
            + "(the list ends there); hides GPU 0");
        assertThat(VisibleDevices.apply("nonsense", null, FOUR).problem()).contains("'nonsense' matches no GPU");
        assertThat(VisibleDevices.apply("0", null, List.of()).problem()).as("no GPU at all is the survey's problem")
            .isNull();
    }

    @Test
    void gpusOfDifferentKindsWithoutPciBusOrderGetANote() {
        List<GpuReading> mixed = NvidiaSmi.parse(Recorded.output("mixed-gpus.csv")).gpus();
        assertThat(VisibleDevices.apply(null, null, mixed).note()).contains("CUDA_DEVICE_ORDER is not PCI_BUS_ID");
        assertThat(VisibleDevices.apply("1", null, mixed).note()).contains("CUDA_DEVICE_ORDER=PCI_BUS_ID");
        assertThat(VisibleDevices.apply(null, "PCI_BUS_ID", mixed).note()).isNull();
        assertThat(VisibleDevices.apply("GPU-d4c3", null, mixed).note()).as("UUIDs do not depend on the order")
            .doesNotContain("CUDA_DEVICE_ORDER");
        assertThat(VisibleDevices.apply(null, null, FOUR).note()).as("all of one kind").isNull();
    }
}
