package dev.modelmanager.core.internal.lifecycle;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.core.internal.cache.CacheSettings;
import dev.modelmanager.core.internal.cache.EmbeddingCache;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.memory.Budgeted;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * One registered model: its requesters and its lifecycle state machine
 * ({@code REGISTERED → (DOWNLOADING) → LOADING → LOADED → UNLOADING → UNLOADED}, {@code FAILED} from any step,
 * {@code WAITING_FOR_PROVIDER} while no provider can serve it).
 *
 * <p>Transitions are serialised by a lock that guards nothing but this entry's fields: under it no provider code
 * runs, no file is touched and no future is completed. Whatever a transition sets off (a load on the lifecycle
 * executor, a caller's future, an event) happens after the lock is released. The work itself (choosing a provider
 * and device, reserving memory, fetching files, loading) is {@link ModelLoader}'s, on the lifecycle executor; it
 * reports back through the transitions here, which drop a report that a later transition made stale (each load has
 * an epoch). The current {@link EntryState} is an immutable snapshot read without locking, so calls on a loaded model
 * never wait for lifecycle work.
 */
public final class ModelEntry implements Budgeted {
    private static final Logger LOG = LoggerFactory.getLogger(ModelEntry.class);

    private final String id;
    private final LifecycleContext ctx;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> requesters = ConcurrentHashMap.newKeySet();
    private final CallStats stats;
    private final AtomicInteger instances = new AtomicInteger();
    private volatile ModelRequirement requirement;
    private volatile EntryState state = EntryState.of(ModelStatus.REGISTERED, null);
    private volatile long lastUsedMillis;
    private volatile long lastUsedOrder = Long.MIN_VALUE;
    private volatile boolean removed;
    private volatile EmbeddingCache cache;
    // Guarded by lock:
    private CompletableFuture<WorkerPool> loading;
    private CompletableFuture<Void> unloading;
    private ScheduledFuture<?> idleTimer;
    private long epoch;
    private boolean reloadOnArrival;

    /** What a transition sets off, run once the lock is released. */
    private final class Effects {
        private final List<Runnable> actions = new ArrayList<>(2);

        void add(Runnable action) {
            actions.add(action);
        }

        /** Posts an event with the state as it is now. */
        void post(String topic, Map<String, ?> extra) {
            Map<String, Object> props = new java.util.HashMap<>(extra);
            ModelRequirement req = requirement;
            props.put(ModelEvents.MODEL_ID, id);
            props.put(ModelEvents.MODEL_TYPE, req.modelType().id());
            props.put(ModelEvents.MODEL_NAME, req.name());
            props.put(ModelEvents.STATUS, state.status().name());
            actions.add(() -> ctx.events().post(topic, props));
        }

        void fail(CompletableFuture<?> future, ModelException why) {
            if (future != null) {
                actions.add(() -> future.completeExceptionally(why));
            }
        }

        void run() {
            for (Runnable action : actions) {
                action.run();
            }
        }
    }

    public ModelEntry(String id, ModelRequirement requirement, LifecycleContext ctx) {
        this.id = id;
        this.requirement = requirement;
        this.ctx = ctx;
        ModelStats restored = ctx.retainedStats().remove(id);
        this.stats = new CallStats(restored == null ? ModelStats.EMPTY : restored);
    }

    @Override
    public String id() {
        return id;
    }

    public ModelRequirement requirement() {
        return requirement;
    }

    public EntryState state() {
        return state;
    }

    public boolean isRemoved() {
        return removed;
    }

    public List<String> requesters() {
        List<String> list = new ArrayList<>(requesters);
        list.sort(null);
        return list;
    }

    // ------------------------------------------------------------------ what the budget and the callers see

    @Override
    public int priority() {
        return requirement.priority();
    }

    @Override
    public boolean pinned() {
        return requirement.pinned();
    }

    @Override
    public boolean isRemote() {
        return requirement.source() instanceof ModelSource.Remote;
    }

    @Override
    public boolean isIdle() {
        WorkerPool pool = state.pool();
        return pool != null && pool.isIdle();
    }

    @Override
    public Instant lastUsed() {
        long at = lastUsedMillis;
        return at == 0 ? null : Instant.ofEpochMilli(at);
    }

    @Override
    public long lastUsedOrder() {
        return lastUsedOrder;
    }

    @Override
    public CompletableFuture<Boolean> evict(String why) {
        return unload(why);
    }

    /** Counts one call (items: texts embedded, classified or transformed, or 1 for a generation). */
    public void recordCall(boolean failed, long nanos, long items, long promptTokens, long generatedTokens) {
        stats.record(failed, nanos, items, promptTokens, generatedTokens);
        lastUsedMillis = System.currentTimeMillis();
        lastUsedOrder = System.nanoTime();
    }

    public ModelStats stats() {
        return stats.snapshot();
    }

    /** This model's embedding cache, or {@code null} when it caches nothing (created on first use). */
    public EmbeddingCache cache() {
        ModelRequirement req = requirement;
        if (req.modelType() != ModelType.EMBEDDING || !req.cacheEmbeddings()) {
            return null;
        }
        CacheSettings settings = ctx.settings().cache();
        if (!settings.enabled()) {
            return null;
        }
        EmbeddingCache c = cache;
        if (c == null) {
            synchronized (this) {
                c = cache;
                if (c == null) {
                    c = new EmbeddingCache(settings.maxSize(), settings.ttl(), ctx.ticker());
                    cache = c;
                }
            }
        }
        return c;
    }

    /** Empties the cache (the model changed provider, or an operator asked). */
    public void clearCache() {
        EmbeddingCache c = cache;
        if (c != null) {
            c.clear();
        }
    }

    /** Names the next instance of this model's worker pools (#1, #2, ...; the first is #0). */
    int nextInstance() {
        return instances.incrementAndGet();
    }

    // ------------------------------------------------------------------ references

    /**
     * Adds a requester; {@code null} when this entry has just been removed and the caller must start over. A new
     * entry asks the providers which can serve it (without the lock), so that it shows
     * {@code WAITING_FOR_PROVIDER} at once when none can.
     */
    Registration register(ModelRequirement wanted, String requester, boolean created) {
        ProviderRegistry.Selection selection = created ? ctx.providers().select(requirement) : null;
        while (true) {
            Effects effects = new Effects();
            lock.lock();
            try {
                if (removed) {
                    return null;
                }
                if (!created || selection.generation() == ctx.providers().generation()) {
                    return registerLocked(wanted, requester, created, selection, effects);
                }
            } finally {
                lock.unlock();
                effects.run();
            }
            selection = ctx.providers().select(requirement); // a provider came or went meanwhile: ask again
        }
    }

    private Registration registerLocked(ModelRequirement wanted, String requester, boolean created,
                                        ProviderRegistry.Selection selection, Effects effects) {
        if (!created) {
            List<String> differences = requirement.identityDifferences(wanted);
            if (!differences.isEmpty()) {
                throw new ModelException(ErrorCode.CONFLICTING_REQUIREMENT, id, String.join(",", differences),
                    "already registered as " + requirement.modelType() + " '" + requirement.name() + "' from "
                        + requirement.source().describe() + "; the new requirement differs in "
                        + String.join(", ", differences), null);
            }
            requirement = requirement.mergeLifecycle(wanted);
        } else if (!selection.found() && state.status() == ModelStatus.REGISTERED) {
            state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
        }
        boolean added = requesters.add(requester);
        cancelIdleTimerLocked();
        if (added) {
            LOG.info("Model {} registered by {} ({} reference(s))", id, requester, requesters.size());
            effects.post(ModelEvents.REGISTERED, Map.of(ModelEvents.REQUESTER, requester,
                ModelEvents.REFERENCE_COUNT, requesters.size()));
        }
        EntryState s = state;
        if (created && requirement.preloadWorkers() == 0 && s.status() == ModelStatus.REGISTERED) {
            prefetchLocked(selection, effects);
        }
        if (requirement.preloadWorkers() > 0 && s.pool() == null && loading == null
            && s.status() != ModelStatus.WAITING_FOR_PROVIDER) {
            CompletableFuture<WorkerPool> preload = startLoadLocked(selection, effects);
            effects.add(() -> preload.whenComplete((w, e) -> {
                if (e != null) {
                    LOG.warn("Preloading model {} failed; it will load on first use: {}", id, e.getMessage());
                }
            }));
        }
        return new Registration(id, created, requesters.size(), requirement.modelType(), requirement.name(),
            state.status());
    }

    /** Drops a requester and starts the idle timer when it was the last one. Returns the references left. */
    int release(String requester) {
        Effects effects = new Effects();
        lock.lock();
        try {
            boolean was = requesters.remove(requester);
            int left = requesters.size();
            if (was) {
                LOG.info("Model {} released by {} ({} reference(s) left)", id, requester, left);
                effects.post(ModelEvents.RELEASED, Map.of(ModelEvents.REQUESTER, requester,
                    ModelEvents.REFERENCE_COUNT, left));
                if (left == 0 && !requirement.pinned()) {
                    Duration idle = requirement.idleTimeout() != null ? requirement.idleTimeout()
                        : ctx.settings().idleTimeout();
                    cancelIdleTimerLocked();
                    idleTimer = ctx.timer().schedule(() -> ctx.lifecycle().execute(this::expire), idle.toMillis(),
                        TimeUnit.MILLISECONDS);
                }
            }
            return left;
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** The idle timer fired: drop out of the registry and unload, unless someone registered meanwhile. */
    private void expire() {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (removed || !requesters.isEmpty() || requirement.pinned()) {
                return;
            }
            removed = true;
            idleTimer = null;
            effects.add(() -> ctx.listener().removed(this));
            unloadLocked("released by every requester", effects);
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    private void cancelIdleTimerLocked() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    // ------------------------------------------------------------------ loading

    /** The worker pool to call, loading the model first if needed (once, however many callers ask at once). */
    public CompletableFuture<WorkerPool> pool() {
        EntryState s = state;
        if (s.ready() != null && s.pool().isAccepting()) {
            return s.ready();
        }
        ProviderRegistry.Selection selection = null;
        if (s.status() == ModelStatus.WAITING_FOR_PROVIDER) {
            // Ask the providers again (without the lock): one may be able to serve it now.
            selection = ctx.providers().select(requirement);
            if (!selection.found()) {
                return CompletableFuture.failedFuture(new ModelException(ErrorCode.NO_PROVIDER, id,
                    selection.refusals()));
            }
        }
        Effects effects = new Effects();
        lock.lock();
        try {
            if (removed) {
                return CompletableFuture.failedFuture(
                    new ModelException(ErrorCode.NOT_REGISTERED, id, "the model is no longer registered"));
            }
            s = state;
            if (s.ready() != null && s.pool().isAccepting()) {
                return s.ready();
            }
            if (loading != null) {
                return loading;
            }
            if (s.status() == ModelStatus.WAITING_FOR_PROVIDER && selection == null) {
                return CompletableFuture.failedFuture(new ModelException(ErrorCode.NO_PROVIDER, id, s.reason()));
            }
            return startLoadLocked(selection, effects);
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** Loads now, or as soon as a provider arrives (a model that was loaded before a restart). */
    public void loadWhenPossible() {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (removed) {
                return;
            }
            if (state.status() == ModelStatus.WAITING_FOR_PROVIDER) {
                reloadOnArrival = true;
            } else if (state.pool() == null && loading == null) {
                CompletableFuture<WorkerPool> load = startLoadLocked(null, effects);
                effects.add(() -> load.whenComplete((w, e) -> {
                    if (e != null) {
                        LOG.warn("Loading model {} again failed; it will load on first use: {}", id, e.getMessage());
                    }
                }));
            }
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /**
     * Starts a load on the lifecycle executor (after an unload still under way). {@code selection}: a provider
     * already chosen without the lock, or {@code null} to let the load choose.
     */
    private CompletableFuture<WorkerPool> startLoadLocked(ProviderRegistry.Selection selection, Effects effects) {
        ModelRequirement req = requirement;
        long myEpoch = ++epoch;
        CompletableFuture<WorkerPool> future = new CompletableFuture<>();
        loading = future;
        state = new EntryState(ModelStatus.LOADING, null, null, null,
            selection != null && selection.found() ? selection.chosen() : null, null, null, -1);
        Runnable task = () -> ctx.loader().load(this, myEpoch, req, selection);
        CompletableFuture<Void> previous = unloading;
        effects.add(() -> {
            if (previous != null) {
                previous.whenCompleteAsync((v, e) -> task.run(), ctx.lifecycle());
            } else {
                ctx.lifecycle().execute(task);
            }
        });
        return future;
    }

    /** The load found no provider: wait for one. */
    void noProvider(long myEpoch, ProviderRegistry.Selection selection) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (myEpoch != epoch || removed) {
                return;
            }
            if (selection.generation() != ctx.providers().generation()) {
                // A provider came or went while the load asked: ask again.
                CompletableFuture<WorkerPool> future = loading;
                loading = null;
                CompletableFuture<WorkerPool> retry = startLoadLocked(null, effects);
                effects.add(() -> retry.whenComplete((w, e) -> {
                    if (e != null) {
                        future.completeExceptionally(e);
                    } else {
                        future.complete(w);
                    }
                }));
                return;
            }
            effects.fail(loading, new ModelException(ErrorCode.NO_PROVIDER, id, selection.refusals()));
            loading = null;
            boolean changed = state.status() != ModelStatus.WAITING_FOR_PROVIDER;
            state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
            if (changed) {
                effects.post(ModelEvents.WAITING_FOR_PROVIDER, Map.of(ModelEvents.REASON, selection.refusals()));
            }
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** {@link #loadingOn}: go on loading. */
    static final int GO = 0;
    /** {@link #loadingOn}: the load is stale; stop. */
    static final int STALE = 1;
    /** {@link #loadingOn}: providers changed since the choice; choose again. */
    static final int CHOOSE_AGAIN = 2;

    /** The load chose its provider and device: {@link #GO}, {@link #STALE} or {@link #CHOOSE_AGAIN}. */
    int loadingOn(long myEpoch, ProviderRegistry.Selection selection, String deviceId, String deviceNote,
                  long estimate) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (myEpoch != epoch || removed) {
                return STALE;
            }
            if (selection.generation() != ctx.providers().generation()) {
                return CHOOSE_AGAIN;
            }
            ProviderRegistry.Bound provider = selection.chosen();
            state = new EntryState(ModelStatus.LOADING, null, null, null, provider, deviceNote, null, estimate);
            effects.post(ModelEvents.LOADING, Map.of(ModelEvents.PROVIDER, provider.name(), ModelEvents.DEVICE,
                deviceId));
            return GO;
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** The load (or a prefetch) has files to fetch. */
    void downloading(long myEpoch, String providerName) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (myEpoch == epoch && !removed && state.status() == ModelStatus.LOADING) {
                state = state.with(ModelStatus.DOWNLOADING, null);
                effects.post(ModelEvents.DOWNLOADING, Map.of(ModelEvents.PROVIDER, providerName));
            }
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** The load's files are there: it is loading again. */
    void downloaded(long myEpoch) {
        lock.lock();
        try {
            if (myEpoch == epoch && !removed && state.status() == ModelStatus.DOWNLOADING) {
                state = state.with(ModelStatus.LOADING, null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The load produced a worker pool. {@code false} when the load is stale (unloaded, removed, timed out or
     * orphaned by a leaving provider meanwhile: whoever did that has already answered its callers); the loader then
     * closes the pool.
     */
    boolean loaded(long myEpoch, WorkerPool pool, ProviderRegistry.Bound provider, String deviceNote, long estimate,
                   long millis) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (myEpoch != epoch || removed) {
                return false;
            }
            CompletableFuture<WorkerPool> future = loading;
            loading = null;
            state = EntryState.loaded(pool, provider, deviceNote, estimate);
            LOG.info("Model {} loaded by {} on {} in {} ms", id, provider.name(), pool.device(), millis);
            effects.post(ModelEvents.LOADED, Map.of(ModelEvents.PROVIDER, provider.name(), ModelEvents.DEVICE,
                pool.device(), ModelEvents.DURATION_MS, millis));
            int preload = requirement.preloadWorkers();
            effects.add(() -> {
                future.complete(pool);
                if (preload > 1) {
                    pool.growTo(preload);
                }
                ctx.listener().changed();
            });
            return true;
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** The load failed. */
    void loadFailed(long myEpoch, ModelException failure, String providerName) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (myEpoch != epoch || removed) {
                return;
            }
            failLoadLocked(failure, providerName, effects);
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /**
     * The provider did not finish loading in time: the model fails with the reason now, and whatever the provider
     * returns later is closed as stale.
     */
    void loadTimedOut(long myEpoch, String reason, String providerName) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (myEpoch != epoch || removed || loading == null) {
                return;
            }
            epoch++;
            failLoadLocked(new ModelException(ErrorCode.TIMEOUT, id, reason), providerName, effects);
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    private void failLoadLocked(ModelException failure, String providerName, Effects effects) {
        effects.fail(loading, failure);
        loading = null;
        state = state.with(ModelStatus.FAILED, failure.reason());
        LOG.warn("Model {} failed to load: {}", id, failure.reason(), failure.getCause());
        effects.post(ModelEvents.FAILED, providerName == null ? Map.of(ModelEvents.REASON, failure.reason())
            : Map.of(ModelEvents.REASON, failure.reason(), ModelEvents.PROVIDER, providerName));
    }

    /**
     * Fetches the files of a model that loads on first use, right after its registration or a provider's arrival
     * (so that the first call does not wait for a download, and a missing file shows at once). Which files, and
     * whether they must be fetched, is asked after the lock is released; the download runs on the lifecycle executor.
     */
    private void prefetchLocked(ProviderRegistry.Selection selection, Effects effects) {
        ModelRequirement req = requirement;
        effects.add(() -> ctx.loader().prefetch(this, req, selection));
    }

    /** A prefetch is about to fetch files: {@code DOWNLOADING}. Its epoch, or -1 when a load or change took over. */
    long prefetching(String providerName) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (removed || loading != null || state.status() != ModelStatus.REGISTERED) {
                return -1;
            }
            long myEpoch = ++epoch;
            state = EntryState.of(ModelStatus.DOWNLOADING, null);
            effects.post(ModelEvents.DOWNLOADING, Map.of(ModelEvents.PROVIDER, providerName));
            return myEpoch;
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** A prefetch ended; {@code failure} is {@code null} when the files are there. */
    void prefetched(long myEpoch, ModelException failure) {
        Effects effects = new Effects();
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
                effects.post(ModelEvents.FAILED, Map.of(ModelEvents.REASON, failure.reason()));
            }
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** Whether a load (or the growth of its pool) of that epoch is still wanted. */
    boolean current(long myEpoch) {
        lock.lock();
        try {
            return myEpoch == epoch && !removed;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ unloading

    /** Unloads now; running calls finish first. Completes with whether a pool was loaded. */
    public CompletableFuture<Boolean> unload(String why) {
        Effects effects = new Effects();
        lock.lock();
        try {
            return unloadLocked(why, effects);
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    private CompletableFuture<Boolean> unloadLocked(String why, Effects effects) {
        if (loading != null) {
            epoch++;
            effects.fail(loading, new ModelException(ErrorCode.NOT_LOADED, id,
                "the model was unloaded while it was loading (" + why + ")"));
            loading = null;
            state = state.with(ModelStatus.UNLOADED, why);
        }
        WorkerPool pool = state.pool();
        if (pool == null) {
            return unloading == null ? CompletableFuture.completedFuture(false) : unloading.thenApply(v -> false);
        }
        epoch++;
        state = state.with(ModelStatus.UNLOADING, why);
        CompletableFuture<Void> done = new CompletableFuture<>();
        unloading = done;
        Duration drain = ctx.settings().unloadDrainTimeout();
        effects.add(() -> ctx.lifecycle().execute(() -> {
            pool.drainAndClose(drain);
            unloaded(done, why);
        }));
        return done.thenApply(v -> true);
    }

    private void unloaded(CompletableFuture<Void> done, String why) {
        Effects effects = new Effects();
        lock.lock();
        try {
            if (unloading == done) {
                unloading = null;
            }
            if (state.status() == ModelStatus.UNLOADING) {
                state = state.with(ModelStatus.UNLOADED, why);
            }
            LOG.info("Model {} unloaded ({})", id, why);
            effects.post(ModelEvents.UNLOADED, Map.of(ModelEvents.REASON, why));
            effects.add(() -> {
                done.complete(null);
                ctx.listener().changed();
            });
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** The manager is going away: fail what is running and close at once. */
    void shutdown(Duration drain) {
        Effects effects = new Effects();
        WorkerPool pool;
        ModelException down = new ModelException(ErrorCode.SHUTTING_DOWN, id, "the model manager is stopping");
        lock.lock();
        try {
            removed = true;
            cancelIdleTimerLocked();
            if (loading != null) {
                effects.fail(loading, down);
                loading = null;
            }
            pool = state.pool();
            epoch++;
            state = state.with(ModelStatus.UNLOADED, "the model manager stopped");
        } finally {
            lock.unlock();
            effects.run();
        }
        if (pool != null) {
            pool.revoke(down);
            pool.drainAndClose(drain);
        }
    }

    // ------------------------------------------------------------------ providers

    /**
     * A provider service left: if it served this model, fail its calls, close its instances (on this thread: the
     * provider must be done with before its bundle goes), and move to another capable provider (loading again if the
     * model was loaded) or wait for one.
     */
    void providerLeft(ModelProvider provider) {
        Effects effects = new Effects();
        WorkerPool pool;
        ModelException gone;
        boolean reload;
        long myEpoch;
        CompletableFuture<Void> closed = null;
        lock.lock();
        try {
            EntryState s = state;
            if (s.provider() == null || s.provider().provider() != provider) {
                return;
            }
            String why = "provider '" + s.provider().name() + "' went away";
            gone = new ModelException(ErrorCode.PROVIDER_GONE, id, why);
            clearCache(); // another provider may embed slightly differently
            reload = s.pool() != null || loading != null || requirement.preloadWorkers() > 0;
            effects.fail(loading, gone);
            loading = null;
            pool = s.pool();
            myEpoch = ++epoch;
            state = EntryState.of(ModelStatus.REGISTERED, why);
            if (pool != null) {
                closed = new CompletableFuture<>();
                unloading = closed;
            }
        } finally {
            lock.unlock();
            effects.run();
        }
        if (pool != null) {
            pool.revoke(gone);
        }
        moveOn(myEpoch, gone.reason(), reload);
        if (pool != null) {
            pool.drainAndClose(ctx.settings().providerDrainTimeout());
            Effects after = new Effects();
            lock.lock();
            try {
                if (unloading == closed) {
                    unloading = null;
                }
                after.post(ModelEvents.UNLOADED, Map.of(ModelEvents.REASON, gone.reason()));
            } finally {
                lock.unlock();
            }
            after.run();
            closed.complete(null);
        }
    }

    /** After its provider left: another provider takes the model (loading it if it was loaded), or it waits. */
    private void moveOn(long myEpoch, String why, boolean reload) {
        while (true) {
            ProviderRegistry.Selection other = ctx.providers().select(requirement);
            Effects effects = new Effects();
            lock.lock();
            try {
                if (myEpoch != epoch || removed) {
                    return;
                }
                if (other.generation() != ctx.providers().generation()) {
                    continue; // providers changed while asking: ask again
                }
                if (other.found()) {
                    state = EntryState.of(ModelStatus.REGISTERED, why);
                    LOG.warn("Model {}: {}; moving to provider {}", id, why, other.chosen().name());
                    if (reload) {
                        startLoadLocked(other, effects);
                    }
                } else {
                    reloadOnArrival = reload;
                    state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, why + "; " + other.refusals());
                    LOG.warn("Model {}: {}; waiting for a provider", id, why);
                    effects.post(ModelEvents.WAITING_FOR_PROVIDER, Map.of(ModelEvents.REASON, state.reason()));
                }
                return;
            } finally {
                lock.unlock();
                effects.run();
            }
        }
    }

    /** A provider arrived (or another one remains): a waiting model becomes loadable, and loads if it was loaded. */
    void providerArrived() {
        if (removed || state.status() != ModelStatus.WAITING_FOR_PROVIDER) {
            return;
        }
        while (true) {
            ProviderRegistry.Selection selection = ctx.providers().select(requirement);
            Effects effects = new Effects();
            lock.lock();
            try {
                if (removed || state.status() != ModelStatus.WAITING_FOR_PROVIDER) {
                    return;
                }
                if (selection.generation() != ctx.providers().generation()) {
                    continue;
                }
                if (!selection.found()) {
                    state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
                    return;
                }
                state = EntryState.of(ModelStatus.REGISTERED, null);
                if (reloadOnArrival || requirement.preloadWorkers() > 0) {
                    reloadOnArrival = false;
                    startLoadLocked(selection, effects);
                } else if (loading == null) {
                    prefetchLocked(selection, effects);
                }
                return;
            } finally {
                lock.unlock();
                effects.run();
            }
        }
    }
}
