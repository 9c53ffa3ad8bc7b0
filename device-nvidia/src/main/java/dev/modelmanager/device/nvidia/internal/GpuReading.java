package dev.modelmanager.device.nvidia.internal;

/**
 * One physical NVIDIA GPU as the driver reports it (NVML or nvidia-smi), in the driver's order (PCI bus order).
 *
 * @param index       the driver's index of the GPU (nvidia-smi's {@code index}, NVML's handle index)
 * @param uuid        {@code GPU-...}, or {@code null} when not reported
 * @param name        the product name, e.g. {@code NVIDIA H200}
 * @param totalBytes  its memory, or -1 when not reported
 * @param freeBytes   memory free now, or -1 when not reported (some MIG and vGPU set-ups)
 * @param utilization percent of the last sample period the GPU was busy, or -1 when not reported (MIG mode)
 */
public record GpuReading(int index, String uuid, String name, long totalBytes, long freeBytes, int utilization) {
    /** How it is named in a device's name and in messages: {@code GPU 3, GPU-8f2c...}. */
    public String physical() {
        return "GPU " + index + (uuid == null ? "" : ", " + uuid);
    }
}
