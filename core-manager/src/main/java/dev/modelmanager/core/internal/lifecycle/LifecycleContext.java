package dev.modelmanager.core.internal.lifecycle;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.modelmanager.core.internal.device.DeviceRegistry;
import dev.modelmanager.core.internal.memory.MemoryBudget;
import dev.modelmanager.core.internal.provider.ProviderRegistry;
import dev.modelmanager.core.internal.source.SourceResolver;

/**
 * What every {@link ModelEntry} shares: settings, providers, devices, sources, the memory budget, events, and the
 * two kinds of manager thread: the lifecycle executor (loads, unloads, closes: anything that may block or call a
 * provider) and the timer (which only ever hands work to an executor).
 */
public final class LifecycleContext {
    /** What the entries tell the rest of the manager. */
    public interface Listener {
        /** An entry dropped out of the registry (last release + idle timeout). */
        void removed(ModelEntry entry);

        /** A model loaded or unloaded: state worth keeping changed. */
        void changed();
    }

    private final Supplier<? extends LifecycleSettings> settings;
    private final Supplier<SourceResolver> sources;
    private final ProviderRegistry providers;
    private final DeviceRegistry devices;
    private final EventPublisher events;
    private final ExecutorService lifecycle;
    private final ScheduledExecutorService timer;
    private final MemoryBudget budget;
    private final Ticker ticker;
    private final Listener listener;
    private final ModelLoader loader;
    private final RetainedStats retainedStats = new RetainedStats();

    public LifecycleContext(Supplier<? extends LifecycleSettings> settings, Supplier<SourceResolver> sources,
                            ProviderRegistry providers, DeviceRegistry devices, EventPublisher events,
                            ExecutorService lifecycle, ScheduledExecutorService timer, MemoryBudget budget,
                            Ticker ticker, Listener listener) {
        this.settings = settings;
        this.sources = sources;
        this.providers = providers;
        this.devices = devices;
        this.events = events;
        this.lifecycle = lifecycle;
        this.timer = timer;
        this.budget = budget;
        this.ticker = ticker;
        this.listener = listener;
        this.loader = new ModelLoader(this);
    }

    public LifecycleSettings settings() {
        return settings.get();
    }

    public SourceResolver sources() {
        return sources.get();
    }

    public ProviderRegistry providers() {
        return providers;
    }

    public DeviceRegistry devices() {
        return devices;
    }

    public EventPublisher events() {
        return events;
    }

    /** Runs loads, unloads and closes; never inference. */
    public ExecutorService lifecycle() {
        return lifecycle;
    }

    /**
     * Runs {@code task} on the lifecycle executor; while the manager stops (the executor takes no more work),
     * {@code whenStopped} runs on this thread instead.
     */
    public void execute(Runnable task, Runnable whenStopped) {
        try {
            lifecycle.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            whenStopped.run();
        }
    }

    /** Runs timers; every task it runs only hands work over to an executor. */
    public ScheduledExecutorService timer() {
        return timer;
    }

    public MemoryBudget budget() {
        return budget;
    }

    /** The clock of the embedding caches (a test can drive it). */
    Ticker ticker() {
        return ticker;
    }

    Listener listener() {
        return listener;
    }

    ModelLoader loader() {
        return loader;
    }

    /**
     * Statistics of models no longer registered (and of models restored but not yet registered), by id: an entry
     * created for such an id starts counting from them.
     */
    public RetainedStats retainedStats() {
        return retainedStats;
    }
}
