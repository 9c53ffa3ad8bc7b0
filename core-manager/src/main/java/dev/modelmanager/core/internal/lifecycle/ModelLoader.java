package dev.modelmanager.core.internal.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.core.internal.device.DeviceRegistry;
import dev.modelmanager.core.internal.exec.Instance;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.memory.MemoryBudget;
import dev.modelmanager.core.internal.provider.ProviderRegistry;
import dev.modelmanager.core.internal.source.SourceResolver;

/**
 * The work of loading, on the lifecycle executor and under no lock: choose a provider and a device, reserve memory
 * (making room if the policy says so), fetch the files, let the provider load (watched by the load timeout), check
 * what it loaded, and build the worker pool. Each step reports to its {@link ModelEntry}, whose transitions decide
 * whether the load is still wanted; a stale load closes what it made.
 */
final class ModelLoader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelLoader.class);

    private final LifecycleContext ctx;

    ModelLoader(LifecycleContext ctx) {
        this.ctx = ctx;
    }

    /** Loads a model's first instance and its worker pool. {@code selection}: a provider chosen already, or null. */
    void load(ModelEntry entry, long epoch, ModelRequirement req, ProviderRegistry.Selection selection) {
        long start = System.nanoTime();
        ProviderRegistry.Selection chosen = selection;
        DeviceRegistry.Choice device;
        long estimate;
        while (true) {
            if (chosen == null || !chosen.found()) {
                chosen = ctx.providers().select(req);
            }
            if (!chosen.found()) {
                entry.lifecycle().reports().noProvider(epoch, chosen);
                return;
            }
            DevicePlacement placement = new DevicePlacement(ctx.providers(), ctx.budget(), chosen.chosen(), req);
            device = ctx.devices().choose(req.device(), List.of(), placement);
            estimate = placement.estimate(device.device());
            int go = entry.lifecycle().reports().loadingOn(epoch, chosen, device.device().id(), device.note(),
                estimate);
            if (go == LoadReports.STALE) {
                return;
            }
            if (go == LoadReports.GO) {
                break;
            }
            chosen = null;
        }
        ProviderRegistry.Bound provider = chosen.chosen();
        String instanceId = entry.id() + "#0";
        Instance instance;
        try {
            instance = loadInstance(entry, epoch, req, provider, device, estimate, instanceId, true);
        } catch (ModelException e) {
            entry.lifecycle().reports().loadFailed(epoch, e, provider.name());
            return;
        }
        WorkerPool pool = new WorkerPool(instanceId, entry.id(), instance, poolConfig(entry.id(), req, instance),
            inUse -> grow(entry, epoch, req, provider, inUse), ctx.providers().calls()::close, ctx.timer(),
            ctx.lifecycle());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!entry.lifecycle().reports().loaded(epoch, pool, provider, device.note(), estimate, millis)) {
            pool.drainAndClose(Duration.ZERO);
        }
    }

    /**
     * The pool's shape: the manager's settings, with as many slots per instance as the instance says it runs to full
     * effect, where it says ({@code worker.concurrency} otherwise). {@code preload_workers} is capped at the workers
     * the machine has ({@code worker.max.instances}, or one per core when that is more): more instances of one model
     * than cores only take memory and threads (each still reserves its memory, so the budget caps them too).
     */
    private WorkerPool.Config poolConfig(String modelId, ModelRequirement req, Instance first) {
        LifecycleSettings s = ctx.settings();
        int asked = Math.max(1, req.preloadWorkers());
        int min = Math.min(asked, Math.max(s.maxWorkers(), Runtime.getRuntime().availableProcessors()));
        if (min < asked) {
            LOG.warn("Model {}: preload_workers={} capped at {} (worker.max.instances={}, {} cores)", modelId, asked,
                min, s.maxWorkers(), Runtime.getRuntime().availableProcessors());
        }
        int stated = statedConcurrency(first);
        int concurrency = stated > 0 ? stated : s.workerConcurrency();
        return new WorkerPool.Config(min, Math.max(min, s.maxWorkers()), concurrency, s.queueCapacity(),
            s.queueTimeout(), s.roundRobin(), s.idleTimeout().isZero() ? Duration.ofSeconds(60) : s.idleTimeout());
    }

    private static int statedConcurrency(Instance instance) {
        try {
            return instance.model().concurrency();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /**
     * Reserves memory, fetches the files and lets the provider load one instance, checked. On failure nothing is
     * left reserved or open.
     *
     * @param first the model's first instance: shows {@code DOWNLOADING} while fetching, and the provider's load is
     *              watched by the load timeout
     */
    private Instance loadInstance(ModelEntry entry, long epoch, ModelRequirement req, ProviderRegistry.Bound provider,
                                  DeviceRegistry.Choice device, long estimate, String instanceId, boolean first) {
        MemoryBudget.Reservation reservation = null;
        MemoryBudget.Reservation host = null;
        LoadedModel model = null;
        ScheduledFuture<?> watchdog = null;
        try {
            reservation = ctx.budget().reserve(entry, device.device(), estimate);
            reservation.awaitEvictions(ctx.settings().unloadDrainTimeout());
            long hostBytes = device.device().isGpu() ? ctx.providers().estimateHost(provider, req, device.device()) : 0;
            if (hostBytes > 0) { // what stays in host memory (layers left on the CPU) is booked there
                host = ctx.budget().reserve(entry, ctx.devices().cpu(), hostBytes);
                host.awaitEvictions(ctx.settings().unloadDrainTimeout());
            }
            ModelFiles files = fetch(entry, epoch, req, provider, first);
            if (first) {
                watchdog = watch(entry, epoch, provider.name());
            }
            model = provider.provider().load(new LoadRequest(entry.id(), req, device.device(), instanceId, files));
            Capabilities.checkLoaded(entry.id(), req, model);
            long warm = Warmup.run(entry.id(), req, model);
            if (warm >= 0) {
                entry.warmedUp(warm);
                LOG.info("Model {} instance {} warmed up in {} ms", entry.id(), instanceId, warm);
            }
            reservation.correct(memoryOf(model));
            MemoryBudget.Reservation onDevice = reservation;
            MemoryBudget.Reservation onHost = host;
            return new Instance(instanceId, model, () -> {
                onDevice.release();
                if (onHost != null) {
                    onHost.release();
                }
            });
        } catch (Throwable e) {
            if (model != null) {
                ctx.providers().calls().close(new Instance(instanceId, model, () -> { }));
            }
            if (reservation != null) {
                reservation.release();
            }
            if (host != null) {
                host.release();
            }
            throw e instanceof ModelException me ? me.forModel(entry.id())
                : new ModelException(ErrorCode.LOAD_FAILED, entry.id(), "provider '" + provider.name()
                    + "' failed to load it: " + e, e);
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * Reports a provider that takes longer than the load timeout (a hung native load shows, with its reason, instead
     * of a silent {@code LOADING}); the timer only hands the report to the lifecycle executor.
     */
    private ScheduledFuture<?> watch(ModelEntry entry, long epoch, String provider) {
        Duration limit = ctx.settings().loadTimeout();
        String reason = "provider '" + provider + "' has not finished loading it after " + limit.toSeconds()
            + " s (load.timeout.seconds); unload it to give up";
        LoadReports reports = entry.lifecycle().reports();
        return ctx.timer().schedule(() -> ctx.lifecycle().execute(() -> reports.loadOverdue(epoch, reason)),
            limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Resolves the model's source to local files, showing {@code DOWNLOADING} while something is fetched. */
    private ModelFiles fetch(ModelEntry entry, long epoch, ModelRequirement req, ProviderRegistry.Bound provider,
                             boolean first) {
        List<FileRequest> wanted = ctx.providers().filesWanted(provider, req);
        SourceResolver sources = ctx.sources();
        boolean download = first && sources.needsDownload(req.source(), wanted);
        if (download) {
            entry.lifecycle().reports().downloading(epoch, provider.name());
        }
        ModelFiles files = sources.resolve(req.source(), wanted);
        if (download) {
            entry.lifecycle().reports().downloaded(epoch);
        }
        return files;
    }

    /**
     * Loads one more instance for a worker pool, on the matching device that holds fewest of its instances, with its
     * own memory reservation. Fails (and the pool stays as it is) when the budget has no room, the provider fails,
     * or the model unloaded meanwhile.
     */
    private CompletableFuture<Instance> grow(ModelEntry entry, long epoch, ModelRequirement req,
                                             ProviderRegistry.Bound provider, List<String> inUse) {
        CompletableFuture<Instance> result = new CompletableFuture<>();
        ctx.execute(() -> {
            try {
                if (!entry.lifecycle().reports().current(epoch)) {
                    throw new ModelException(ErrorCode.NOT_LOADED, entry.id(), "the model unloaded meanwhile");
                }
                DevicePlacement placement = new DevicePlacement(ctx.providers(), ctx.budget(), provider, req);
                DeviceRegistry.Choice device = ctx.devices().choose(req.device(), inUse, placement);
                long estimate = placement.estimate(device.device());
                result.complete(loadInstance(entry, epoch, req, provider, device, estimate,
                    entry.id() + "#" + entry.nextInstance(), false));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, () -> result.completeExceptionally(new ModelException(ErrorCode.SHUTTING_DOWN, entry.id(),
            "the model manager is stopping")));
        return result;
    }

    /**
     * Fetches the files of a model that loads on first use, so that the first call does not wait for a download
     * (and a missing file shows at once). Decides on the calling thread (no lock held) whether anything must be
     * fetched; the fetch itself runs on the lifecycle executor. Does nothing when no provider can serve it yet or
     * nothing needs fetching.
     */
    void prefetch(ModelEntry entry, ModelRequirement req, ProviderRegistry.Selection selection) {
        if (selection == null || !selection.found()) {
            return;
        }
        List<FileRequest> wanted = ctx.providers().filesWanted(selection.chosen(), req);
        if (!ctx.sources().needsDownload(req.source(), wanted)) {
            return;
        }
        long epoch = entry.lifecycle().reports().prefetching(selection.chosen().name());
        if (epoch < 0) {
            return;
        }
        ctx.execute(() -> {
            ModelException failure = null;
            try {
                ctx.sources().resolve(req.source(), wanted);
            } catch (ModelException e) {
                failure = e.forModel(entry.id());
            } catch (RuntimeException e) {
                failure = new ModelException(ErrorCode.SOURCE_UNAVAILABLE, entry.id(), "fetching its files failed: "
                    + e, e);
            }
            entry.lifecycle().reports().prefetched(epoch, failure);
        }, () -> { });
    }

    private static long memoryOf(LoadedModel model) {
        try {
            return model.memoryBytes();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
