package dev.modelmanager.api;

import java.util.List;

/**
 * The manager as a whole.
 *
 * @param registeredModels models registered
 * @param loadedModels     models loaded now
 * @param defaultModel     the id {@code "default"} routes to, or {@code null}
 * @param providers        provider services bound now
 * @param models           every registered model, sorted by id
 * @param embeddingCache   the embedding caches of all models together
 * @param devices          the devices models can run on (the CPU always; GPUs from providers), GPUs first
 * @param memory           per device: the memory budget and what models hold of it
 */
public record ManagerStatus(int registeredModels, int loadedModels, String defaultModel,
                            List<ProviderInfo> providers, List<ModelInfo> models, CacheStats embeddingCache,
                            List<dev.modelmanager.api.spi.DeviceInfo> devices, List<MemoryUsage> memory) {
    public ManagerStatus {
        providers = List.copyOf(providers);
        models = List.copyOf(models);
        devices = devices == null ? List.of() : List.copyOf(devices);
        memory = memory == null ? List.of() : List.copyOf(memory);
    }
}
