package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service that reports devices. The manager ships one for the CPU; a bundle that knows a kind of GPU
 * registers one for it (the {@code device-nvidia} bundle does for NVIDIA GPUs).
 */
@ConsumerType
public interface DeviceProvider {
    /** The devices now, with current free memory. Must be cheap enough to call on every load. */
    List<DeviceInfo> devices();

    /**
     * Why this provider reports no devices now, in words an operator can act on and naming the kind of device
     * (e.g. {@code no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi not on PATH}), or {@code null} when it
     * reports some or has nothing to say. Shown with the devices ({@code model:devices}, {@code /api/v1/devices},
     * {@link dev.modelmanager.api.ManagerStatus#deviceProblems()}); as cheap as {@link #devices()}.
     */
    default String unavailableReason() {
        return null;
    }
}
