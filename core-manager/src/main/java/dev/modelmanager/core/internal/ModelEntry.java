package dev.modelmanager.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.core.internal.source.SourceResolver;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelProvider;

/**
 * One registered model: its requesters, its lifecycle and its worker. Lifecycle changes are serialised by a
 * lock that is never held while a provider loads or closes a model; the current {@link State} is an immutable
 * snapshot read without locking, so calls on a loaded model never wait for lifecycle work.
 */
final class ModelEntry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelEntry.class);

    private final String id;
    private final ManagerContext ctx;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> requesters = ConcurrentHashMap.newKeySet();
    private final CallStats stats;
    private volatile ModelRequirement requirement;
    private volatile EntryState state = EntryState.of(ModelStatus.REGISTERED, null);
    private volatile Instant lastUsed;
    private volatile boolean removed;
    private volatile EmbeddingCache cache;
    private final Map<String, MicroBatcher<?, ?>> batchers = new ConcurrentHashMap<>();
    /** Instances loaded for this model's worker pools so far (names them #1, #2, ...). */
    private final java.util.concurrent.atomic.AtomicInteger instances = new java.util.concurrent.atomic.AtomicInteger();
    // Guarded by lock:
    private CompletableFuture<Worker> loading;
    private CompletableFuture<Void> unloading;
    private ScheduledFuture<?> idleTimer;
    private long epoch;
    private boolean reloadOnArrival;

    ModelEntry(String id, ModelRequirement requirement, ManagerContext ctx) {
        this.id = id;
        this.requirement = requirement;
        this.ctx = ctx;
        this.stats = new CallStats(ctx.restoredStats(id));
    }

    String id() {
        return id;
    }

    ModelRequirement requirement() {
        return requirement;
    }

    EntryState state() {
        return state;
    }

    /** This model's embedding cache, or {@code null} when it caches nothing (created on first use). */
    EmbeddingCache cache() {
        ManagerSettings.CacheSettings settings = ctx.settings().cache();
        if (!settings.enabled() || requirement.modelType() != dev.modelmanager.api.ModelType.EMBEDDING
            || !requirement.cacheEmbeddings()) {
            return null;
        }
        EmbeddingCache c = cache;
        if (c == null) {
            synchronized (this) {
                c = cache;
                if (c == null) {
                    c = new EmbeddingCache(settings.maxSize(), settings.ttl(), ctx.ticker);
                    cache = c;
                }
            }
        }
        return c;
    }

    /** Whether it runs elsewhere (a remote source): it takes no local memory. */
    boolean isRemote() {
        return requirement.source() instanceof ModelSource.Remote;
    }

    /** Loaded with no call running or waiting, and not loading: it can be unloaded without failing anyone. */
    boolean isIdle() {
        EntryState s = state;
        return s.worker() != null && s.worker().inFlight() == 0 && batchWaiting() == 0;
    }

    Instant lastUsed() {
        return lastUsed;
    }

    /** Coalesces this model's concurrent calls on texts (created on first use, one per kind of call). */
    @SuppressWarnings("unchecked")
    <C, V> MicroBatcher<C, V> batcher(Calls calls, List<dev.modelmanager.api.ModelType> allowed, Class<C> capability,
                                      String operation, MicroBatcher.Runner<C, V> runner) {
        return (MicroBatcher<C, V>) batchers.computeIfAbsent(operation,
            op -> new MicroBatcher<>(this, calls, allowed, capability, op, runner,
                () -> ctx.settings().batchDelay(), ctx.scheduler));
    }

    private int batchWaiting() {
        int n = 0;
        for (MicroBatcher<?, ?> b : batchers.values()) {
            n += b.waiting();
        }
        return n;
    }

    /** Empties the cache (the model changed provider, or an operator asked). */
    void clearCache() {
        EmbeddingCache c = cache;
        if (c != null) {
            c.clear();
        }
    }

    boolean isRemoved() {
        return removed;
    }

    // ------------------------------------------------------------------ references

    /** Adds a requester; {@code null} when this entry has just been removed and the caller must start over. */
    Registration register(ModelRequirement wanted, String requester, boolean created) {
        lock.lock();
        try {
            if (removed) {
                return null;
            }
            if (!created) {
                List<String> differences = requirement.identityDifferences(wanted);
                if (!differences.isEmpty()) {
                    throw new ModelException(ErrorCode.CONFLICTING_REQUIREMENT, id, String.join(",", differences),
                        "already registered as " + requirement.modelType() + " '" + requirement.name() + "' from "
                            + requirement.source().describe() + "; the new requirement differs in "
                            + String.join(", ", differences), null);
                }
                requirement = requirement.mergeLifecycle(wanted);
            } else {
                ProviderRegistry.Selection selection = ctx.providers.select(requirement);
                if (!selection.found()) {
                    state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
                }
            }
            boolean added = requesters.add(requester);
            cancelIdleTimerLocked();
            if (added) {
                LOG.info("Model {} registered by {} ({} reference(s))", id, requester, requesters.size());
                post(ModelEvents.REGISTERED, Map.of(ModelEvents.REQUESTER, requester,
                    ModelEvents.REFERENCE_COUNT, requesters.size()));
            }
            EntryState s = state;
            if (created && requirement.preloadWorkers() == 0 && s.status() == ModelStatus.REGISTERED) {
                prefetchLocked();
            }
            s = state;
            if (requirement.preloadWorkers() > 0 && s.worker() == null && loading == null
                && s.status() != ModelStatus.WAITING_FOR_PROVIDER) {
                startLoadLocked().whenComplete((w, e) -> {
                    if (e != null) {
                        LOG.warn("Preloading model {} failed; it will load on first use: {}", id, e.getMessage());
                    }
                });
            }
            return new Registration(id, created, requesters.size(), requirement.modelType(), requirement.name(),
                state.status());
        } finally {
            lock.unlock();
        }
    }

    /** Drops a requester and starts the idle timer when it was the last one. Returns the references left. */
    int release(String requester) {
        lock.lock();
        try {
            boolean was = requesters.remove(requester);
            int left = requesters.size();
            if (was) {
                LOG.info("Model {} released by {} ({} reference(s) left)", id, requester, left);
                post(ModelEvents.RELEASED, Map.of(ModelEvents.REQUESTER, requester, ModelEvents.REFERENCE_COUNT, left));
                if (left == 0 && !requirement.pinned()) {
                    Duration idle = requirement.idleTimeout() != null ? requirement.idleTimeout()
                        : ctx.settings().idleTimeout();
                    cancelIdleTimerLocked();
                    idleTimer = ctx.scheduler.schedule(this::expire, idle.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            return left;
        } finally {
            lock.unlock();
        }
    }

    List<String> requesters() {
        List<String> list = new ArrayList<>(requesters);
        list.sort(null);
        return list;
    }

    /** The idle timer fired: drop out of the registry and unload, unless someone registered meanwhile. */
    private void expire() {
        lock.lock();
        try {
            if (removed || !requesters.isEmpty() || requirement.pinned()) {
                return;
            }
            removed = true;
            idleTimer = null;
            ctx.onRemoved.accept(this);
            unloadLocked("released by every requester");
        } finally {
            lock.unlock();
        }
    }

    private void cancelIdleTimerLocked() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    // ------------------------------------------------------------------ loading

    /** The worker to call, loading the model first if needed (once, however many callers ask at once). */
    CompletableFuture<Worker> worker() {
        EntryState s = state;
        if (s.ready() != null && s.worker().isAccepting()) {
            return s.ready();
        }
        lock.lock();
        try {
            if (removed) {
                return CompletableFuture.failedFuture(
                    new ModelException(ErrorCode.NOT_REGISTERED, id, "the model is no longer registered"));
            }
            s = state;
            if (s.ready() != null && s.worker().isAccepting()) {
                return s.ready();
            }
            return loading != null ? loading : startLoadLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Loads now, or as soon as a provider arrives (a model that was loaded before a restart). */
    void loadWhenPossible() {
        lock.lock();
        try {
            if (removed) {
                return;
            }
            if (state.status() == ModelStatus.WAITING_FOR_PROVIDER) {
                reloadOnArrival = true;
            } else if (state.worker() == null && loading == null) {
                startLoadLocked().whenComplete((w, e) -> {
                    if (e != null) {
                        LOG.warn("Loading model {} again failed; it will load on first use: {}", id, e.getMessage());
                    }
                });
            }
        } finally {
            lock.unlock();
        }
    }

    private CompletableFuture<Worker> startLoadLocked() {
        ModelRequirement req = requirement;
        ProviderRegistry.Selection selection = ctx.providers.select(req);
        if (!selection.found()) {
            if (state.status() != ModelStatus.WAITING_FOR_PROVIDER) {
                state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
                post(ModelEvents.WAITING_FOR_PROVIDER, Map.of(ModelEvents.REASON, selection.refusals()));
            }
            return CompletableFuture.failedFuture(new ModelException(ErrorCode.NO_PROVIDER, id, selection.refusals()));
        }
        ProviderRegistry.Bound provider = selection.chosen();
        DeviceRegistry.Choice device = ctx.devices.choose(req.device());
        long estimate = estimate(provider.provider(), req, device);
        long myEpoch = ++epoch;
        CompletableFuture<Worker> future = new CompletableFuture<>();
        loading = future;
        state = new EntryState(ModelStatus.LOADING, null, null, null, provider, device.note(), null, estimate);
        post(ModelEvents.LOADING, Map.of(ModelEvents.PROVIDER, provider.name(), ModelEvents.DEVICE, device.device().id()));
        Runnable task = () -> load(myEpoch, req, provider, device, future);
        if (unloading != null) {
            unloading.whenCompleteAsync((v, e) -> task.run(), ctx.lifecycle);
        } else {
            ctx.lifecycle.execute(task);
        }
        return future;
    }

    private long estimate(ModelProvider provider, ModelRequirement req, DeviceRegistry.Choice device) {
        try {
            return provider.estimateMemory(req, device.device());
        } catch (RuntimeException e) {
            LOG.debug("Provider could not estimate memory of {}", id, e);
            return -1;
        }
    }

    private void load(long myEpoch, ModelRequirement req, ProviderRegistry.Bound provider,
                      DeviceRegistry.Choice device, CompletableFuture<Worker> future) {
        long start = System.nanoTime();
        String workerId = id + "#0";
        LoadedModel model = null;
        ModelException failure = null;
        MemoryBudget.Reservation reservation = null;
        try {
            reservation = ctx.budget.reserve(this, device.device(), state.estimatedMemory());
            reservation.awaitEvictions(ctx.settings().unloadDrainTimeout());
            ModelFiles files = fetch(myEpoch, req, provider);
            model = provider.provider().load(new LoadRequest(id, req, device.device(), workerId, files));
            Capabilities.checkLoaded(id, req, model);
            reservation.correct(safeMemory(model));
        } catch (ModelException e) {
            failure = e.forModel(id);
        } catch (Throwable e) {
            failure = new ModelException(ErrorCode.LOAD_FAILED, id,
                "provider '" + provider.name() + "' failed to load it: " + e, e);
        }
        if (failure != null && model != null) {
            closeQuietly(model);
            model = null;
        }
        if (model == null && reservation != null) {
            reservation.release();
        }
        ManagerSettings settings = ctx.settings();
        MemoryBudget.Reservation held = reservation;
        int min = Math.max(1, req.preloadWorkers());
        Worker.Sizing sizing = new Worker.Sizing(min, Math.max(min, settings.maxWorkers()), settings.roundRobin(),
            settings.idleTimeout().isZero() ? Duration.ofSeconds(60) : settings.idleTimeout(),
            inUse -> growInstance(myEpoch, req, provider, inUse));
        Worker worker = model == null ? null : new Worker(workerId, id, model, settings.workerConcurrency(),
            settings.queueCapacity(), held::release, ctx.scheduler, settings.queueTimeout(), sizing);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        lock.lock();
        try {
            if (myEpoch != epoch || removed) {
                // Unloaded, removed or orphaned by a leaving provider while loading: whoever did that has
                // already failed the future; drop the instance.
                if (worker != null) {
                    worker.drainAndClose(Duration.ZERO);
                }
                return;
            }
            loading = null;
            if (worker != null) {
                state = EntryState.loaded(worker, provider, device.note(), state.estimatedMemory());
                LOG.info("Model {} loaded by {} on {} in {} ms", id, provider.name(), worker.device(), millis);
                post(ModelEvents.LOADED, Map.of(ModelEvents.PROVIDER, provider.name(), ModelEvents.DEVICE,
                    worker.device(), ModelEvents.DURATION_MS, millis));
            } else {
                state = state.with(ModelStatus.FAILED, failure.reason());
                LOG.warn("Model {} failed to load: {}", id, failure.reason(), failure.getCause());
                post(ModelEvents.FAILED, Map.of(ModelEvents.REASON, failure.reason(), ModelEvents.PROVIDER,
                    provider.name()));
            }
        } finally {
            lock.unlock();
        }
        if (worker != null) {
            future.complete(worker);
            if (req.preloadWorkers() > 1) {
                worker.growTo(req.preloadWorkers());
            }
        } else {
            future.completeExceptionally(failure);
        }
    }

    /**
     * Loads one more instance for the worker pool, on the matching device that holds fewest of its instances,
     * with its own memory reservation. Fails (and the pool stays as it is) when the budget has no room, the
     * provider fails, or the model unloaded meanwhile.
     */
    private CompletableFuture<Worker.Instance> growInstance(long myEpoch, ModelRequirement req,
                                                           ProviderRegistry.Bound provider, List<String> inUse) {
        CompletableFuture<Worker.Instance> result = new CompletableFuture<>();
        ctx.lifecycle.execute(() -> {
            MemoryBudget.Reservation reservation = null;
            LoadedModel model = null;
            try {
                lock.lock();
                try {
                    if (myEpoch != epoch || removed) {
                        throw new ModelException(ErrorCode.NOT_LOADED, id, "the model unloaded meanwhile");
                    }
                } finally {
                    lock.unlock();
                }
                DeviceRegistry.Choice device = ctx.devices.choose(req.device(), inUse);
                reservation = ctx.budget.reserve(this, device.device(), estimate(provider.provider(), req, device));
                reservation.awaitEvictions(ctx.settings().unloadDrainTimeout());
                ModelFiles files = ctx.sources().resolve(req.source(), filesWanted(provider, req));
                String instanceId = id + "#" + instances.incrementAndGet();
                model = provider.provider().load(new LoadRequest(id, req, device.device(), instanceId, files));
                Capabilities.checkLoaded(id, req, model);
                reservation.correct(safeMemory(model));
                result.complete(new Worker.Instance(instanceId, model, reservation::release));
            } catch (Throwable e) {
                if (model != null) {
                    closeQuietly(model);
                }
                if (reservation != null) {
                    reservation.release();
                }
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The files a provider asks for; a provider that fails to say is treated as asking for none. */
    static List<FileRequest> filesWanted(ProviderRegistry.Bound provider, ModelRequirement requirement) {
        try {
            List<FileRequest> files = provider.provider().files(requirement);
            return files == null ? List.of() : files;
        } catch (RuntimeException e) {
            LOG.warn("Provider {} failed to say which files {} needs", provider.name(), requirement.name(), e);
            return List.of();
        }
    }

    /**
     * Resolves the model's source to local files, showing {@code DOWNLOADING} while something is fetched.
     * Runs on the load's lifecycle thread.
     */
    private ModelFiles fetch(long myEpoch, ModelRequirement req, ProviderRegistry.Bound provider) {
        List<FileRequest> wanted = filesWanted(provider, req);
        SourceResolver sources = ctx.sources();
        if (sources.needsDownload(req.source(), wanted)) {
            lock.lock();
            try {
                if (myEpoch == epoch && !removed) {
                    EntryState s = state;
                    state = new EntryState(ModelStatus.DOWNLOADING, null, null, null, s.provider(), s.deviceNote(),
                        null, s.estimatedMemory());
                    post(ModelEvents.DOWNLOADING, Map.of(ModelEvents.PROVIDER, provider.name()));
                }
            } finally {
                lock.unlock();
            }
        }
        ModelFiles files = sources.resolve(req.source(), wanted);
        lock.lock();
        try {
            if (myEpoch == epoch && !removed && state.status() == ModelStatus.DOWNLOADING) {
                state = state.with(ModelStatus.LOADING, null);
            }
        } finally {
            lock.unlock();
        }
        return files;
    }

    /**
     * Fetches the files of a model that loads on first use right after its registration, so that the first call
     * does not wait for a download (and a missing file shows at once). Does nothing when no provider is known yet
     * or nothing needs fetching.
     */
    private void prefetchLocked() {
        ProviderRegistry.Selection selection = ctx.providers.select(requirement);
        if (!selection.found()) {
            return;
        }
        ModelRequirement req = requirement;
        List<FileRequest> wanted = filesWanted(selection.chosen(), req);
        if (!ctx.sources().needsDownload(req.source(), wanted)) {
            return;
        }
        long myEpoch = ++epoch;
        state = EntryState.of(ModelStatus.DOWNLOADING, null);
        post(ModelEvents.DOWNLOADING, Map.of(ModelEvents.PROVIDER, selection.chosen().name()));
        ctx.lifecycle.execute(() -> {
            ModelException failure = null;
            try {
                ctx.sources().resolve(req.source(), wanted);
            } catch (ModelException e) {
                failure = e.forModel(id);
            } catch (RuntimeException e) {
                failure = new ModelException(ErrorCode.SOURCE_UNAVAILABLE, id, "fetching its files failed: " + e, e);
            }
            lock.lock();
            try {
                if (myEpoch != epoch || removed || state.status() != ModelStatus.DOWNLOADING) {
                    return; // a load took over (it fetches on its own, sharing this download) or the model went
                }
                if (failure == null) {
                    state = EntryState.of(ModelStatus.REGISTERED, null);
                } else {
                    state = EntryState.of(ModelStatus.FAILED, failure.reason());
                    LOG.warn("Model {}: {}", id, failure.reason());
                    post(ModelEvents.FAILED, Map.of(ModelEvents.REASON, failure.reason()));
                }
            } finally {
                lock.unlock();
            }
        });
    }

    // ------------------------------------------------------------------ unloading

    /** Unloads now; running calls finish first. Completes with whether a worker was loaded. */
    CompletableFuture<Boolean> unload(String why) {
        lock.lock();
        try {
            return unloadLocked(why);
        } finally {
            lock.unlock();
        }
    }

    private CompletableFuture<Boolean> unloadLocked(String why) {
        if (loading != null) {
            epoch++;
            loading.completeExceptionally(new ModelException(ErrorCode.NOT_LOADED, id,
                "the model was unloaded while it was loading (" + why + ")"));
            loading = null;
            state = state.with(ModelStatus.UNLOADED, why);
        }
        Worker worker = state.worker();
        if (worker == null) {
            return unloading == null ? CompletableFuture.completedFuture(false) : unloading.thenApply(v -> false);
        }
        epoch++;
        state = state.with(ModelStatus.UNLOADING, why);
        CompletableFuture<Void> done = new CompletableFuture<>();
        unloading = done;
        ctx.lifecycle.execute(() -> {
            worker.drainAndClose(ctx.settings().unloadDrainTimeout());
            lock.lock();
            try {
                if (unloading == done) {
                    unloading = null;
                }
                if (state.status() == ModelStatus.UNLOADING) {
                    state = state.with(ModelStatus.UNLOADED, why);
                }
                LOG.info("Model {} unloaded ({})", id, why);
                post(ModelEvents.UNLOADED, Map.of(ModelEvents.REASON, why));
            } finally {
                lock.unlock();
            }
            done.complete(null);
        });
        return done.thenApply(v -> true);
    }

    /** The manager is going away: fail what is running and close at once. */
    void shutdown(Duration drain) {
        Worker worker;
        lock.lock();
        try {
            removed = true;
            cancelIdleTimerLocked();
            ModelException down = new ModelException(ErrorCode.SHUTTING_DOWN, id, "the model manager is stopping");
            if (loading != null) {
                epoch++;
                loading.completeExceptionally(down);
                loading = null;
            }
            worker = state.worker();
            epoch++;
            state = state.with(ModelStatus.UNLOADED, "the model manager stopped");
            if (worker != null) {
                worker.revoke(down);
            }
        } finally {
            lock.unlock();
        }
        if (worker != null) {
            worker.drainAndClose(drain);
        }
    }

    // ------------------------------------------------------------------ providers

    /**
     * A provider service left: if it served this model, fail its calls, close its instance, and move to another
     * capable provider (loading again if the model was loaded) or wait for one.
     */
    void providerLeft(ModelProvider provider) {
        Worker worker;
        ModelException gone;
        lock.lock();
        try {
            EntryState s = state;
            if (s.provider() == null || s.provider().provider() != provider) {
                return;
            }
            String why = "provider '" + s.provider().name() + "' went away";
            gone = new ModelException(ErrorCode.PROVIDER_GONE, id, why);
            clearCache(); // another provider may embed slightly differently
            boolean reload = s.worker() != null || loading != null || requirement.preloadWorkers() > 0;
            if (loading != null) {
                loading.completeExceptionally(gone);
                loading = null;
            }
            worker = s.worker();
            epoch++;
            if (worker != null) {
                worker.revoke(gone);
            }
            ProviderRegistry.Selection other = ctx.providers.select(requirement);
            if (other.found()) {
                state = EntryState.of(ModelStatus.REGISTERED, why);
                LOG.warn("Model {}: {}; moving to provider {}", id, why, other.chosen().name());
                if (reload) {
                    startLoadLocked();
                }
            } else {
                reloadOnArrival = reload;
                state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, why + "; " + other.refusals());
                LOG.warn("Model {}: {}; waiting for a provider", id, why);
                post(ModelEvents.WAITING_FOR_PROVIDER, Map.of(ModelEvents.REASON, state.reason()));
            }
        } finally {
            lock.unlock();
        }
        if (worker != null) {
            worker.drainAndClose(ctx.settings().providerDrainTimeout());
            post(ModelEvents.UNLOADED, Map.of(ModelEvents.REASON, gone.reason()));
        }
    }

    /** A provider arrived (or another one remains): a waiting model becomes loadable, and loads if it was loaded. */
    void providerArrived() {
        lock.lock();
        try {
            if (removed || state.status() != ModelStatus.WAITING_FOR_PROVIDER) {
                return;
            }
            ProviderRegistry.Selection selection = ctx.providers.select(requirement);
            if (!selection.found()) {
                state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
                return;
            }
            state = EntryState.of(ModelStatus.REGISTERED, null);
            if (reloadOnArrival || requirement.preloadWorkers() > 0) {
                reloadOnArrival = false;
                startLoadLocked();
            } else if (loading == null) {
                // Fetch its files now that a provider says which it needs, so the first call does not wait.
                prefetchLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ accounting and views

    /**
     * Counts one call that took {@code nanos}; its items and tokens are read from its result (texts embedded,
     * classified or transformed; tokens of a generation).
     */
    void used(boolean failed, long nanos, Object result) {
        long items = 0;
        long prompt = 0;
        long generated = 0;
        if (result instanceof Number n) {
            items = n.longValue();
        } else if (result instanceof java.util.Collection<?> c) {
            items = c.size();
        } else if (result instanceof dev.modelmanager.api.GenerationResult g) {
            items = 1;
            if (g.usage() != null) {
                prompt = g.usage().promptTokens();
                generated = g.usage().completionTokens();
            }
        } else if (result instanceof dev.modelmanager.api.spi.Completion c) { // a streamed generation
            items = 1;
            if (c.usage() != null) {
                prompt = c.usage().promptTokens();
                generated = c.usage().completionTokens();
            }
        } else if (result instanceof dev.modelmanager.api.TransformResult t) {
            items = t.outputs().size();
        } else if (result instanceof dev.modelmanager.api.ClassificationResult c) {
            items = c.classifications().size();
        } else if (result instanceof dev.modelmanager.api.EmbeddingResult e) {
            items = e.embeddings().size();
        }
        stats.record(failed, nanos, items, prompt, generated);
        lastUsed = Instant.now();
    }

    ModelStats stats() {
        return stats.snapshot();
    }

    ModelInfo info(boolean isDefault) {
        EntryState s = state;
        ModelRequirement req = requirement;
        Worker worker = s.worker();
        EmbeddingCache embeddings = cache();
        return new ModelInfo(id, req.modelType(), req.name(), req.source().describe(), s.status(), s.reason(),
            s.provider() == null ? null : s.provider().name(), requesters(), isDefault,
            worker == null ? null : worker.device(), s.deviceNote(), worker == null ? 0 : worker.size(),
            worker == null ? 0 : worker.inFlight(), stats.requests(), stats.failures(), s.estimatedMemory(),
            worker == null ? -1 : worker.memoryBytes(), s.loadedAt(), lastUsed, req.priority(), req.pinned(),
            req.preloadWorkers(), s.status() == ModelStatus.DOWNLOADING ? progress(req) : null,
            worker == null ? Map.of() : withWorkers(safeDetails(worker.model()), worker),
            embeddings == null ? null : embeddings.stats(),
            stats.snapshot(), (worker == null ? 0 : worker.queued()) + batchWaiting());
    }

    private String progress(ModelRequirement req) {
        if (!(req.source() instanceof ModelSource.Hub hub)) {
            return null;
        }
        String prefix = hub.repository() + "/";
        String text = ctx.sources().hub().downloads().stream().filter(d -> d.file().startsWith(prefix))
            .map(d -> d.file().substring(prefix.length()) + " " + d).collect(java.util.stream.Collectors.joining("; "));
        return text.isEmpty() ? "checking " + hub.describe() : text;
    }

    private static Map<String, String> withWorkers(Map<String, String> details, Worker worker) {
        Map<String, String> all = new java.util.TreeMap<>(details);
        all.put("workers", worker.describe());
        return all;
    }

    private static Map<String, String> safeDetails(LoadedModel model) {
        try {
            Map<String, String> details = model.details();
            return details == null ? Map.of() : details;
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static long safeMemory(LoadedModel model) {
        try {
            return model.memoryBytes();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void post(String topic, Map<String, ?> extra) {
        ModelRequirement req = requirement;
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put(ModelEvents.MODEL_ID, id);
        props.put(ModelEvents.MODEL_TYPE, req.modelType().id());
        props.put(ModelEvents.MODEL_NAME, req.name());
        props.put(ModelEvents.STATUS, state.status().name());
        ctx.events.post(topic, props);
    }

    private void closeQuietly(LoadedModel model) {
        try {
            model.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing a rejected instance of {} failed", id, e);
        }
    }
}
