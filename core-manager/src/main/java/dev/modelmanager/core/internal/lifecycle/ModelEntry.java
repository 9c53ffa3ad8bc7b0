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
 * One registered model: its id and requirement, its requesters (the reference count is the set of them), its
 * statistics and embedding cache, and its lifecycle ({@link EntryLifecycle}, which shares the entry's lock). What
 * the memory budget needs of it is {@link Budgeted}.
 */
public final class ModelEntry implements Budgeted {
    private static final Logger LOG = LoggerFactory.getLogger(ModelEntry.class);

    private final String id;
    private final LifecycleContext ctx;
    private final EntryLifecycle lifecycle;
    private final EntryReferences references = new EntryReferences();
    private final CallStats stats;
    private final AtomicInteger instances = new AtomicInteger();
    private volatile ModelRequirement requirement;
    private volatile long lastUsedMillis;
    private volatile long lastUsedOrder = Long.MIN_VALUE;
    private volatile EmbeddingCache cache;
    private ScheduledFuture<?> idleTimer; // guarded by the lifecycle's lock
    private volatile long warmupMillis = -1;
    private final RequesterCounters usage = new RequesterCounters();

    public ModelEntry(String id, ModelRequirement requirement, LifecycleContext ctx) {
        this.id = id;
        this.requirement = requirement;
        this.ctx = ctx;
        ModelStats restored = ctx.retainedStats().remove(id);
        this.stats = new CallStats(restored == null ? ModelStats.EMPTY : restored);
        this.lifecycle = new EntryLifecycle(this, ctx);
    }

    @Override
    public String id() {
        return id;
    }

    public ModelRequirement requirement() {
        return requirement;
    }

    public EntryState state() {
        return lifecycle.state();
    }

    public boolean isRemoved() {
        return lifecycle.isRemoved();
    }

    /** Every requester holding the model (through any of its names), each once, sorted. */
    public List<String> requesters() {
        return references.requesters();
    }

    /** The requesters holding the model through one of its names. */
    public List<String> requesters(String name) {
        return references.requesters(name);
    }

    /** Who holds references now, with the owning bundles: what an operator is told when unloading. */
    public List<String> holders() {
        return references.holders();
    }

    LifecycleContext context() {
        return ctx;
    }

    EntryLifecycle lifecycle() {
        return lifecycle;
    }

    // ------------------------------------------------------------------ lifecycle

    /** The worker pool to call, loading the model first if needed (once, however many callers ask at once). */
    public CompletableFuture<WorkerPool> pool() {
        return lifecycle.pool();
    }

    /** Loads now, or as soon as a provider arrives (a model that was loaded before a restart). */
    public void loadWhenPossible() {
        lifecycle.loadWhenPossible();
    }

    /** Unloads now; running calls finish first. Completes with whether a pool was loaded. */
    public CompletableFuture<Boolean> unload(String why) {
        return lifecycle.unload(why);
    }

    void shutdown(Duration drain) {
        lifecycle.shutdown(drain);
    }

    void providerLeft(ModelProvider provider) {
        lifecycle.providerLeft(provider);
    }

    void providerArrived() {
        lifecycle.providerArrived();
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
    public boolean declared() {
        return references.requesters().stream()
            .anyMatch(r -> r.startsWith(dev.modelmanager.api.ModelManagerConstants.CONFIG_PREFIX));
    }

    @Override
    public boolean isRemote() {
        return requirement.source() instanceof ModelSource.Remote;
    }

    @Override
    public boolean isIdle() {
        WorkerPool pool = state().pool();
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

    /** The last warm-up call's milliseconds ({@code warmup=true}), or -1. */
    public long warmupMillis() {
        return warmupMillis;
    }

    void warmedUp(long millis) {
        warmupMillis = millis;
    }

    @Override
    public CompletableFuture<Boolean> evict(String cause, String why) {
        return lifecycle.evict(cause, why);
    }

    /**
     * Counts one call (items: texts embedded, classified or transformed, or 1 for a generation); a call its caller
     * cancelled is neither a success nor a failure.
     */
    public void recordCall(String requester, boolean failed, boolean cancelled, long nanos, long items,
                           long promptTokens, long generatedTokens) {
        stats.record(failed, cancelled, nanos, items, promptTokens, generatedTokens);
        usage.record(requester, failed && !cancelled, items, promptTokens, generatedTokens);
        lastUsedMillis = System.currentTimeMillis();
        lastUsedOrder = System.nanoTime();
    }

    public ModelStats stats() {
        return stats.snapshot();
    }

    /** The token times of one generation that reached the manager at {@code startNanos} ({@link System#nanoTime}). */
    public TokenClock tokenClock(long startNanos) {
        return new TokenClock(stats, startNanos);
    }

    /** This model's calls by requester. */
    public Map<String, RequesterCounters.Counts> usage() {
        return usage.snapshot();
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

    /** What a release left: references to the model, and references through the name released. */
    record Released(int left, int leftForName) {
    }

    /**
     * Adds a reference under {@code name}; {@code null} when this entry has just been removed and the caller must
     * start over. {@code created}: the entry is new, and asks the providers which can serve it (without the lock),
     * so that it shows {@code WAITING_FOR_PROVIDER} at once when none can. {@code shared}: the name is new for a model
     * registered under another name with the same identity; the requirement must be compatible, not identical.
     */
    Registration register(String name, ModelRequirement wanted, String requester, Owner owner, boolean created,
                          boolean newName) {
        ProviderRegistry.Selection selection = created ? ctx.providers().select(requirement) : null;
        while (true) {
            Effects effects = new Effects(this);
            lifecycle.lock.lock();
            try {
                if (lifecycle.isRemoved()) {
                    return null;
                }
                if (!created || selection.generation() == ctx.providers().generation()) {
                    return registerLocked(name, wanted, requester, owner, created, newName, selection, effects);
                }
            } finally {
                lifecycle.lock.unlock();
                effects.run();
            }
            selection = ctx.providers().select(requirement); // a provider came or went meanwhile: ask again
        }
    }

    private Registration registerLocked(String name, ModelRequirement wanted, String requester, Owner owner,
                                        boolean created, boolean newName, ProviderRegistry.Selection selection,
                                        Effects effects) {
        if (!created) {
            List<String> differences = newName ? Identity.incompatibilities(requirement, wanted)
                : requirement.identityDifferences(wanted);
            if (!differences.isEmpty()) {
                throw new ModelException(ErrorCode.CONFLICTING_REQUIREMENT, name, String.join(",", differences),
                    "already registered as " + requirement.modelType() + " '" + requirement.name() + "' from "
                        + requirement.source().describe() + "; the new requirement differs in "
                        + String.join(", ", differences), null);
            }
            requirement = requirement.mergeLifecycle(wanted);
        } else if (!selection.found()) {
            lifecycle.waitingLocked(selection.refusals());
        }
        boolean added = references.add(name, requester, owner);
        cancelIdleTimerLocked();
        if (added) {
            LOG.info("Model {} registered by {} ({} reference(s))", name, requester, references.count());
            effects.post(ModelEvents.REGISTERED, Map.of(ModelEvents.REQUESTER, requester,
                ModelEvents.REFERENCE_COUNT, references.count()));
        }
        if (created && requirement.preloadWorkers() == 0 && state().status() == ModelStatus.REGISTERED) {
            lifecycle.prefetchLocked(selection, effects);
        }
        if (requirement.preloadWorkers() > 0 && lifecycle.mayPreloadLocked()) {
            lifecycle.warnOnFailure(lifecycle.startLoadLocked(selection, effects),
                "Preloading model {} failed; it will load on first use: {}", effects);
        }
        return new Registration(name, created || newName, references.count(), requirement.modelType(),
            requirement.name(), state().status());
    }

    /**
     * Drops a reference and starts the idle timer when it was the last one.
     *
     * @throws ModelException {@link ErrorCode#NOT_OWNER} when another bundle holds it
     */
    Released release(String name, String requester, Owner owner) {
        return lifecycle.transition(effects -> {
            if (references.remove(name, name, requester, owner)) {
                int left = references.count();
                LOG.info("Model {} released by {} ({} reference(s) left)", name, requester, left);
                effects.post(ModelEvents.RELEASED, Map.of(ModelEvents.REQUESTER, requester,
                    ModelEvents.REFERENCE_COUNT, left));
                idleIfUnreferencedLocked(effects);
            }
            return new Released(references.count(), references.count(name));
        });
    }

    /** Drops every reference of a bundle; answers the names that no reference holds any more. */
    List<String> releaseAll(Owner owner) {
        return lifecycle.transition(effects -> {
            List<EntryReferences.Reference> removed = references.removeAll(owner);
            List<String> orphans = new ArrayList<>();
            for (EntryReferences.Reference r : removed) {
                LOG.info("Model {} released by {} as {} stopped using the manager ({} reference(s) left)", r.name(),
                    r.requester(), owner, references.count());
                effects.post(ModelEvents.RELEASED, Map.of(ModelEvents.REQUESTER, r.requester(),
                    ModelEvents.REFERENCE_COUNT, references.count()));
                if (references.count(r.name()) == 0 && !orphans.contains(r.name())) {
                    orphans.add(r.name());
                }
            }
            if (!removed.isEmpty()) {
                idleIfUnreferencedLocked(effects);
            }
            return references.isEmpty() ? List.of() : orphans;
        });
    }

    /**
     * The last reference went: the idle timer starts (unless the model is pinned), once the transition's events are
     * out, so that a short idle timeout never announces the eviction before the release that led to it.
     */
    private void idleIfUnreferencedLocked(Effects effects) {
        if (references.isEmpty() && !requirement.pinned()) {
            effects.add(() -> lifecycle.step(later -> startIdleTimerLocked()));
        }
    }

    /** Starts the idle timer, if still no reference holds the model (one may have come since the release). */
    private void startIdleTimerLocked() {
        if (references.isEmpty() && !requirement.pinned() && !lifecycle.isRemoved()) {
            Duration idle = requirement.idleTimeout() != null ? requirement.idleTimeout()
                : ctx.settings().idleTimeout();
            cancelIdleTimerLocked();
            // The timer only hands the expiry over: it runs on the lifecycle executor.
            idleTimer = ctx.timer().schedule(() -> ctx.lifecycle().execute(this::expire), idle.toMillis(),
                TimeUnit.MILLISECONDS);
        }
    }

    /** The idle timer fired: drop out of the registry and unload, unless someone registered meanwhile. */
    private void expire() {
        lifecycle.step(effects -> {
            if (lifecycle.isRemoved() || !references.isEmpty() || requirement.pinned()) {
                return;
            }
            idleTimer = null;
            if (state().pool() != null) {
                effects.post(ModelEvents.EVICTED, Map.of(ModelEvents.CAUSE, ModelEvents.CAUSE_IDLE,
                    ModelEvents.REASON, "no reference for its idle timeout"));
            }
            effects.add(() -> ctx.listener().removed(this));
            lifecycle.removeLocked("released by every requester", effects);
        });
    }

    void cancelIdleTimerLocked() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

}
