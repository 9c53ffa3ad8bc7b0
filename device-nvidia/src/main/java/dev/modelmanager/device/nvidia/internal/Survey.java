package dev.modelmanager.device.nvidia.internal;

import java.util.List;

/**
 * What one look at the machine found: the physical GPUs, where they were read from, and, when none was found, why.
 *
 * @param gpus    every GPU the driver reports, in its order (before {@code CUDA_VISIBLE_DEVICES})
 * @param source  {@code NVML} or {@code nvidia-smi}, or {@code null} when neither answered
 * @param problem why there are no GPUs (neither source answered, or it reported none), or {@code null}
 * @param notes   what else is worth knowing (NVML unavailable while nvidia-smi answered; lines nvidia-smi printed
 *                that are not a GPU), for the log and {@code gpu-check}
 */
public record Survey(List<GpuReading> gpus, String source, String problem, List<String> notes) {
    public Survey {
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
    }

    static Survey none(String problem, List<String> notes) {
        return new Survey(List.of(), null, problem, notes);
    }
}
