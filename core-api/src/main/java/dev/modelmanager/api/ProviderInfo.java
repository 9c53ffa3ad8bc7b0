package dev.modelmanager.api;

import java.util.Set;

/**
 * A provider bundle's service as the manager sees it.
 *
 * @param name       the provider's name, e.g. {@code llamacpp}
 * @param modelTypes the model types it serves
 * @param models     how many models it has loaded now
 * @param problem    why it cannot serve anything now, or {@code null}
 */
public record ProviderInfo(String name, Set<ModelType> modelTypes, int models, String problem) {
    public ProviderInfo {
        modelTypes = Set.copyOf(modelTypes);
    }
}
