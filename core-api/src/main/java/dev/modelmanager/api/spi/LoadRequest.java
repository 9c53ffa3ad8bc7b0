package dev.modelmanager.api.spi;

import dev.modelmanager.api.ModelRequirement;

/**
 * What the manager asks a provider to load.
 *
 * @param modelId     the registration id (for logs and names)
 * @param requirement the effective requirement
 * @param device      the device chosen for this worker
 * @param workerId    the worker this instance will be, e.g. {@code docs.embeddings#0}
 * @param files       the model's files on the local disk, resolved by the manager
 */
public record LoadRequest(String modelId, ModelRequirement requirement, DeviceInfo device, String workerId,
                          ModelFiles files) {
}
