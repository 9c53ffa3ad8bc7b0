package dev.modelmanager.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import dev.modelmanager.core.internal.source.HubClient;
import dev.modelmanager.core.internal.source.ResourceLocator;
import dev.modelmanager.core.internal.source.SourceResolver;

/** What every {@link ModelEntry} shares: settings, providers, devices, events and the lifecycle threads. */
final class ManagerContext {
    private volatile ManagerSettings settings;
    private volatile SourceResolver sources;
    private final ResourceLocator resources;
    final ProviderRegistry providers;
    final DeviceRegistry devices;
    final EventPublisher events;
    /** Runs loads and unloads; never inference. */
    final ExecutorService lifecycle;
    /** Runs idle timers. */
    final ScheduledExecutorService scheduler;
    /** Called when an entry has dropped out of the registry (last release + idle timeout). */
    final Consumer<ModelEntry> onRemoved;
    /** The clock of the embedding caches (a test can drive it). */
    final com.github.benmanes.caffeine.cache.Ticker ticker;

    ManagerContext(ManagerSettings settings, ResourceLocator resources, ProviderRegistry providers,
                   DeviceRegistry devices, EventPublisher events, ExecutorService lifecycle,
                   ScheduledExecutorService scheduler, Consumer<ModelEntry> onRemoved,
                   com.github.benmanes.caffeine.cache.Ticker ticker) {
        this.resources = resources;
        this.ticker = ticker;
        settings(settings);
        this.providers = providers;
        this.devices = devices;
        this.events = events;
        this.lifecycle = lifecycle;
        this.scheduler = scheduler;
        this.onRemoved = onRemoved;
        this.budget = new MemoryBudget(this::settings, () -> entries.get());
    }

    /** The memory budget every load reserves from. */
    final MemoryBudget budget;
    /** Every registered entry (for the budget's choice of models to unload). */
    volatile java.util.function.Supplier<java.util.List<ModelEntry>> entries = java.util.List::of;

    /** Statistics kept across a restart, by model id; an entry starts counting from them. */
    final java.util.Map<String, dev.modelmanager.api.ModelStats> restoredStats = new java.util.concurrent.ConcurrentHashMap<>();

    dev.modelmanager.api.ModelStats restoredStats(String modelId) {
        dev.modelmanager.api.ModelStats stats = restoredStats.remove(modelId);
        return stats == null ? dev.modelmanager.api.ModelStats.EMPTY : stats;
    }

    ManagerSettings settings() {
        return settings;
    }

    /** New settings; the source resolver is rebuilt when the Hub settings or the work folder changed. */
    void settings(ManagerSettings value) {
        ManagerSettings previous = this.settings;
        this.settings = value;
        if (previous == null || !previous.hub().equals(value.hub()) || !previous.workDir().equals(value.workDir())) {
            this.sources = new SourceResolver(new HubClient(value.hub()), resources, value.workDir().resolve("resources"));
        }
    }

    /** Turns model sources into local files. */
    SourceResolver sources() {
        return sources;
    }
}
