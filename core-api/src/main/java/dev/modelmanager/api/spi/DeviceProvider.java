package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service that reports devices. The manager ships one for the CPU; a provider that can use GPUs
 * registers one for them.
 */
@ConsumerType
public interface DeviceProvider {
    /** The devices now, with current free memory. Must be cheap enough to call on every load. */
    List<DeviceInfo> devices();
}
