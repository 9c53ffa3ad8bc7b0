package dev.modelmanager.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import dev.modelmanager.api.CacheStats;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.MemoryUsage;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ProviderInfo;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.lifecycle.LifecycleContext;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelInfos;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/** The manager and its models as the outside sees them; reads snapshots, takes no lifecycle lock. */
final class StatusReport {
    private final ModelRegistry registry;
    private final LifecycleContext ctx;
    private final java.util.function.Supplier<String> stateProblem;

    /** @param stateProblem why the saved state cannot be written now, or {@code null} */
    StatusReport(ModelRegistry registry, LifecycleContext ctx, java.util.function.Supplier<String> stateProblem) {
        this.registry = registry;
        this.ctx = ctx;
        this.stateProblem = stateProblem;
    }

    ModelInfo info(String modelId) {
        String name = registry.name(modelId);
        return info(name, registry.resolve(name));
    }

    ModelInfo info(String name, ModelEntry entry) {
        List<String> others = new java.util.ArrayList<>(registry.names(entry));
        others.remove(name);
        return ModelInfos.of(entry, name, others, name.equals(registry.defaultId()), ctx.sources());
    }

    /** One per registered id (ids naming one shared model each have their row). */
    List<ModelInfo> list() {
        return registry.named().stream().map(n -> info(n.name(), n.entry())).toList();
    }

    /** The models whose files are downloading now (others are not asked for their details). */
    List<ModelInfo> downloading() {
        return registry.named().stream()
            .filter(n -> n.entry().state().status() == dev.modelmanager.api.ModelStatus.DOWNLOADING)
            .map(n -> info(n.name(), n.entry())).toList();
    }

    ManagerStatus status() {
        List<ModelInfo> models = list();
        List<ProviderInfo> providerInfos = new ArrayList<>();
        for (ProviderRegistry.Bound bound : ctx.providers().all()) {
            int loaded = 0;
            for (ModelEntry entry : registry.all()) {
                if (entry.state().pool() != null && entry.state().provider() == bound) {
                    loaded++;
                }
            }
            String problem;
            try {
                problem = bound.provider().unavailableReason();
            } catch (RuntimeException e) {
                problem = "failed to report its state: " + e;
            }
            providerInfos.add(new ProviderInfo(bound.name(), bound.provider().modelTypes(), loaded, problem));
        }
        providerInfos.sort(Comparator.comparing(ProviderInfo::name));
        int loadedModels = (int) registry.all().stream().filter(e -> e.state().status() == ModelStatus.LOADED)
            .count();
        CacheStats cache = models.stream().map(ModelInfo::cache).filter(Objects::nonNull)
            .reduce(CacheStats.EMPTY, CacheStats::plus);
        List<DeviceInfo> deviceList = ctx.devices().devices();
        List<MemoryUsage> memory = ctx.budget().usage(deviceList).stream()
            .map(u -> new MemoryUsage(u.device(), u.budgetBytes(), u.reservedBytes(), u.models()))
            .toList();
        List<String> settingsProblems = new ArrayList<>();
        String hubToken = ctx.sources().hub().settings().tokenProblemSentence();
        if (hubToken != null) {
            settingsProblems.add(hubToken);
        }
        String state = stateProblem.get();
        if (state != null) {
            settingsProblems.add(state);
        }
        return new ManagerStatus(models.size(), loadedModels, registry.defaultId(), providerInfos, models, cache,
            deviceList, memory, ctx.devices().problems(), settingsProblems);
    }
}
