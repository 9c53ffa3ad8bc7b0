package dev.modelmanager.core.internal.lifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * The lifecycle state machine of one {@link ModelEntry}:
 * {@code REGISTERED → (DOWNLOADING) → LOADING → LOADED → UNLOADING → UNLOADED}, {@code FAILED} from any step,
 * {@code WAITING_FOR_PROVIDER} while no provider can serve it.
 *
 * <p>Transitions are serialised by a lock that guards nothing but the entry's fields: under it no provider code
 * runs, no file is touched and no future is completed. Whatever a transition sets off (a load on the lifecycle
 * executor, a caller's future, an event) happens after the lock is released ({@link Effects}). The work itself
 * (choosing a provider and device, reserving memory, fetching files, loading) is {@link ModelLoader}'s, on the
 * lifecycle executor; it reports back through {@link LoadReports}' transitions, which drop a report that a later
 * transition made stale (each load has an epoch). The current {@link EntryState} is an immutable snapshot read without
 * locking, so calls on a loaded model never wait for lifecycle work. What happens when providers come and go is
 * {@link ProviderChanges}'.
 */
final class EntryLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(EntryLifecycle.class);

    final ModelEntry entry;
    final String id;
    final LifecycleContext ctx;
    /** Serialises the entry's transitions, its references' included. */
    final ReentrantLock lock = new ReentrantLock();
    volatile EntryState state = EntryState.of(ModelStatus.REGISTERED, null);
    volatile boolean removed;
    // Guarded by lock:
    CompletableFuture<WorkerPool> loading;
    CompletableFuture<Void> unloading;
    long epoch;
    boolean reloadOnArrival;
    final LoadBackoff backoff = new LoadBackoff();
    /** Calls waiting for a provider to come back (see {@link ProviderWait}). */
    final ProviderWait providerWait = new ProviderWait(this);
    /** The transitions the entry's loads report through. */
    private final LoadReports reports = new LoadReports(this);

    EntryLifecycle(ModelEntry entry, LifecycleContext ctx) {
        this.entry = entry;
        this.id = entry.id();
        this.ctx = ctx;
    }

    /** What {@link ModelLoader} reports a load's progress to. */
    LoadReports reports() {
        return reports;
    }

    EntryState state() {
        return state;
    }

    boolean isRemoved() {
        return removed;
    }

    ModelRequirement requirement() {
        return entry.requirement();
    }

    /** Runs a transition under the lock and answers what it answers; what it sets off runs once the lock is free. */
    <T> T transition(Function<Effects, T> body) {
        Effects effects = new Effects(entry);
        lock.lock();
        try {
            return body.apply(effects);
        } finally {
            lock.unlock();
            effects.run();
        }
    }

    /** {@link #transition} for one that answers nothing. */
    void step(Consumer<Effects> body) {
        transition(effects -> {
            body.accept(effects);
            return null;
        });
    }

    // ------------------------------------------------------------------ what the entry's references decide

    /** A new entry no provider can serve shows it at once. */
    void waitingLocked(String refusals) {
        if (state.status() == ModelStatus.REGISTERED) {
            state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, refusals);
        }
    }

    /** Whether the entry may preload now: nothing loaded or loading, a provider known. */
    boolean mayPreloadLocked() {
        return state.pool() == null && loading == null && state.status() != ModelStatus.WAITING_FOR_PROVIDER;
    }

    /** The last reference went and the idle time passed: the entry leaves the registry and unloads. */
    void removeLocked(String why, Effects effects) {
        removed = true;
        unloadLocked(why, effects);
    }

    // ------------------------------------------------------------------ loading

    /** The worker pool to call, loading the model first if needed (once, however many callers ask at once). */
    CompletableFuture<WorkerPool> pool() {
        EntryState now = state;
        if (now.ready() != null && now.pool().isAccepting()) {
            return now.ready();
        }
        // A waiting model asks the providers again (without the lock): one may be able to serve it now.
        ProviderRegistry.Selection selection = now.status() == ModelStatus.WAITING_FOR_PROVIDER
            ? ctx.providers().select(requirement()) : null;
        return transition(effects -> {
            EntryState s = state;
            if (removed) {
                return CompletableFuture.failedFuture(
                    new ModelException(ErrorCode.NOT_REGISTERED, id, "the model is no longer registered"));
            } else if (s.ready() != null && s.pool().isAccepting()) {
                return s.ready();
            } else if (loading != null) {
                return loading;
            } else if (s.status() == ModelStatus.WAITING_FOR_PROVIDER && (selection == null || !selection.found())) {
                // Its provider left moments ago (an update): wait for it to come back, for a while.
                CompletableFuture<WorkerPool> waiting = providerWait.awaitLocked(effects);
                return waiting != null ? waiting : CompletableFuture.failedFuture(new ModelException(
                    ErrorCode.NO_PROVIDER, id, selection == null ? s.reason() : selection.refusals()));
            } else if (s.status() == ModelStatus.FAILED) {
                ModelException later = backoff.refusal(id, System.nanoTime());
                if (later != null) {
                    return CompletableFuture.failedFuture(later);
                }
            }
            return startLoadLocked(selection, effects);
        });
    }

    /** Loads now, or as soon as a provider arrives (a model that was loaded before a restart). */
    void loadWhenPossible() {
        step(effects -> {
            if (removed) {
                return;
            }
            if (state.status() == ModelStatus.WAITING_FOR_PROVIDER) {
                reloadOnArrival = true;
            } else if (state.pool() == null && loading == null) {
                warnOnFailure(startLoadLocked(null, effects), "Loading model {} again failed; it will load on first "
                    + "use: {}", effects);
            }
        });
    }

    /** Logs the failure of a load nobody waits for. */
    void warnOnFailure(CompletableFuture<WorkerPool> load, String message, Effects effects) {
        effects.add(() -> load.whenComplete((w, e) -> {
            if (e != null) {
                LOG.warn(message, id, e.getMessage());
            }
        }));
    }

    /**
     * Starts a load on the lifecycle executor (after an unload still under way). {@code selection}: a provider
     * already chosen without the lock, or {@code null} to let the load choose.
     */
    CompletableFuture<WorkerPool> startLoadLocked(ProviderRegistry.Selection selection, Effects effects) {
        ModelRequirement req = requirement();
        long myEpoch = ++epoch;
        CompletableFuture<WorkerPool> future = new CompletableFuture<>();
        loading = future;
        state = new EntryState(ModelStatus.LOADING, null, null, null,
            selection != null && selection.found() ? selection.chosen() : null, null, null, -1);
        Runnable task = () -> ctx.loader().load(entry, myEpoch, req, selection);
        CompletableFuture<Void> previous = unloading;
        effects.add(() -> {
            if (previous != null) {
                previous.whenCompleteAsync((v, e) -> task.run(), ctx.lifecycle());
            } else {
                ctx.execute(task, () -> future.completeExceptionally(new ModelException(ErrorCode.SHUTTING_DOWN, id,
                    "the model manager is stopping")));
            }
        });
        return future;
    }

    /**
     * Fetches the files of a model that loads on first use, right after its registration or a provider's arrival
     * (so that the first call does not wait for a download, and a missing file shows at once). Which files, and
     * whether they must be fetched, is asked after the lock is released; the download runs on the lifecycle executor.
     */
    void prefetchLocked(ProviderRegistry.Selection selection, Effects effects) {
        ModelRequirement req = requirement();
        effects.add(() -> ctx.loader().prefetch(entry, req, selection));
    }

    // ------------------------------------------------------------------ unloading

    /**
     * Unloads now; running short calls finish first, running generations stop at their next token (answering
     * {@code cancelled}). Completes with whether a pool was loaded.
     */
    CompletableFuture<Boolean> unload(String why) {
        return transition(effects -> unloadLocked(why, effects));
    }

    /** The manager makes room: {@link ModelEvents#EVICTED} with the cause, then an unload. */
    CompletableFuture<Boolean> evict(String cause, String why) {
        return transition(effects -> {
            if (state.pool() != null || loading != null) {
                effects.post(ModelEvents.EVICTED, Map.of(ModelEvents.CAUSE, cause, ModelEvents.REASON, why));
            }
            return unloadLocked(why, effects);
        });
    }

    CompletableFuture<Boolean> unloadLocked(String why, Effects effects) {
        backoff.reset();
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
        Runnable close = () -> {
            pool.drainAndClose(drain, true); // running generations stop at their next token
            step(after -> {
                if (unloading == done) {
                    unloading = null;
                }
                if (state.status() == ModelStatus.UNLOADING) {
                    state = state.with(ModelStatus.UNLOADED, why);
                }
                LOG.info("Model {} unloaded ({})", id, why);
                after.post(ModelEvents.UNLOADED, Map.of(ModelEvents.REASON, why));
                after.add(() -> {
                    done.complete(null);
                    ctx.listener().changed();
                });
            });
        };
        effects.add(() -> ctx.execute(close, close)); // stopping: close on this thread, the instances must go
        return done.thenApply(v -> true);
    }

    /** The manager is going away: fail what is running and close at once. */
    void shutdown(Duration drain) {
        ModelException down = new ModelException(ErrorCode.SHUTTING_DOWN, id, "the model manager is stopping");
        WorkerPool pool = transition(effects -> {
            removed = true;
            entry.cancelIdleTimerLocked();
            effects.fail(loading, down);
            loading = null;
            WorkerPool loaded = state.pool();
            epoch++;
            state = state.with(ModelStatus.UNLOADED, "the model manager stopped");
            return loaded;
        });
        if (pool != null) {
            pool.revoke(down);
            pool.drainAndClose(drain);
        }
    }

    // ------------------------------------------------------------------ providers

    void providerLeft(ModelProvider provider) {
        new ProviderChanges(this).left(provider);
    }

    void providerArrived() {
        new ProviderChanges(this).arrived();
    }
}
