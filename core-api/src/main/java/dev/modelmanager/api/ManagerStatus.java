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
 * @param deviceProblems   why device providers report no devices, one sentence each (e.g. {@code no NVIDIA GPU:
 *                         libnvidia-ml.so.1 not found and nvidia-smi not on PATH}); empty when none says so
 * @param settingsProblems why a setting of the manager does not take effect, one sentence each (e.g. {@code the Hub
 *                         token (file /etc/modelmanager/hf.token) cannot be read (NoSuchFileException): Hub calls go
 *                         without a token}); never a secret itself; empty when there is none
 */
public record ManagerStatus(int registeredModels, int loadedModels, String defaultModel,
                            List<ProviderInfo> providers, List<ModelInfo> models, CacheStats embeddingCache,
                            List<dev.modelmanager.api.spi.DeviceInfo> devices, List<MemoryUsage> memory,
                            List<String> deviceProblems, List<String> settingsProblems) {
    public ManagerStatus {
        providers = List.copyOf(providers);
        models = List.copyOf(models);
        devices = devices == null ? List.of() : List.copyOf(devices);
        memory = memory == null ? List.of() : List.copyOf(memory);
        deviceProblems = deviceProblems == null ? List.of() : List.copyOf(deviceProblems);
        settingsProblems = settingsProblems == null ? List.of() : List.copyOf(settingsProblems);
    }

    /** The status without settings problems (the constructor before they were reported). */
    public ManagerStatus(int registeredModels, int loadedModels, String defaultModel, List<ProviderInfo> providers,
                         List<ModelInfo> models, CacheStats embeddingCache,
                         List<dev.modelmanager.api.spi.DeviceInfo> devices, List<MemoryUsage> memory,
                         List<String> deviceProblems) {
        this(registeredModels, loadedModels, defaultModel, providers, models, embeddingCache, devices, memory,
            deviceProblems, List.of());
    }

    /** The status without device problems (the constructor before they were reported). */
    public ManagerStatus(int registeredModels, int loadedModels, String defaultModel, List<ProviderInfo> providers,
                         List<ModelInfo> models, CacheStats embeddingCache,
                         List<dev.modelmanager.api.spi.DeviceInfo> devices, List<MemoryUsage> memory) {
        this(registeredModels, loadedModels, defaultModel, providers, models, embeddingCache, devices, memory,
            List.of(), List.of());
    }
}
