package dev.modelmanager.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What every {@link ModelEntry} shares: settings, providers, devices, events and the lifecycle threads. */
final class ManagerContext {
    private volatile ManagerSettings settings;
    final ProviderRegistry providers;
    final DeviceRegistry devices;
    final EventPublisher events;
    /** Runs loads and unloads; never inference. */
    final ExecutorService lifecycle;
    /** Runs idle timers. */
    final ScheduledExecutorService scheduler;
    /** Called when an entry has dropped out of the registry (last release + idle timeout). */
    final Consumer<ModelEntry> onRemoved;

    ManagerContext(ManagerSettings settings, ProviderRegistry providers, DeviceRegistry devices, EventPublisher events,
                   ExecutorService lifecycle, ScheduledExecutorService scheduler, Consumer<ModelEntry> onRemoved) {
        this.settings = settings;
        this.providers = providers;
        this.devices = devices;
        this.events = events;
        this.lifecycle = lifecycle;
        this.scheduler = scheduler;
        this.onRemoved = onRemoved;
    }

    ManagerSettings settings() {
        return settings;
    }

    void settings(ManagerSettings value) {
        this.settings = value;
    }
}
