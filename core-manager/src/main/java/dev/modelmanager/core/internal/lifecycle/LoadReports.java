package dev.modelmanager.core.internal.lifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * The transitions of an {@link EntryLifecycle} that {@link ModelLoader} reports a load's (or a prefetch's) progress
 * through, from the lifecycle executor: each runs under the entry's lock and drops a report that a later transition
 * made stale (its epoch is no longer the entry's). What they set off runs once the lock is free, as for every
 * transition.
 */
final class LoadReports {
    /** Logged under the lifecycle's name, as before these transitions had a class of their own. */
    private static final Logger LOG = LoggerFactory.getLogger(EntryLifecycle.class);

    /** {@link #loadingOn}: go on loading. */
    static final int GO = 0;
    /** {@link #loadingOn}: the load is stale; stop. */
    static final int STALE = 1;
    /** {@link #loadingOn}: providers changed since the choice; choose again. */
    static final int CHOOSE_AGAIN = 2;

    private final EntryLifecycle life;

    LoadReports(EntryLifecycle life) {
        this.life = life;
    }

    /** The load found no provider: wait for one (or ask again if providers changed meanwhile). */
    void noProvider(long myEpoch, ProviderRegistry.Selection selection) {
        life.step(effects -> {
            if (myEpoch != life.epoch || life.removed) {
                return;
            }
            if (selection.generation() != life.ctx.providers().generation()) {
                CompletableFuture<WorkerPool> future = life.loading;
                life.loading = null;
                CompletableFuture<WorkerPool> retry = life.startLoadLocked(null, effects);
                effects.add(() -> retry.whenComplete((w, e) -> {
                    if (e != null) {
                        future.completeExceptionally(e);
                    } else {
                        future.complete(w);
                    }
                }));
                return;
            }
            CompletableFuture<WorkerPool> parked = life.loading;
            life.loading = null;
            if (parked == null || !life.providerWait.parkLocked(parked, effects)) {
                effects.fail(parked, new ModelException(ErrorCode.NO_PROVIDER, life.id, selection.refusals()));
            }
            boolean changed = life.state.status() != ModelStatus.WAITING_FOR_PROVIDER;
            life.state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
            if (changed) {
                effects.post(ModelEvents.WAITING_FOR_PROVIDER, Map.of(ModelEvents.REASON, selection.refusals()));
            }
        });
    }

    /** The load chose its provider and device: {@link #GO}, {@link #STALE} or {@link #CHOOSE_AGAIN}. */
    int loadingOn(long myEpoch, ProviderRegistry.Selection selection, String deviceId, String deviceNote,
                  long estimate) {
        return life.transition(effects -> {
            if (myEpoch != life.epoch || life.removed) {
                return STALE;
            }
            if (selection.generation() != life.ctx.providers().generation()) {
                return CHOOSE_AGAIN;
            }
            ProviderRegistry.Bound provider = selection.chosen();
            life.state = new EntryState(ModelStatus.LOADING, null, null, null, provider, deviceNote, null, estimate);
            effects.post(ModelEvents.LOADING, Map.of(ModelEvents.PROVIDER, provider.name(), ModelEvents.DEVICE,
                deviceId));
            return GO;
        });
    }

    /** The load has files to fetch. */
    void downloading(long myEpoch, String providerName) {
        life.step(effects -> {
            if (myEpoch == life.epoch && !life.removed && life.state.status() == ModelStatus.LOADING) {
                life.state = life.state.with(ModelStatus.DOWNLOADING, null);
                effects.post(ModelEvents.DOWNLOADING, Map.of(ModelEvents.PROVIDER, providerName));
            }
        });
    }

    /** The load's files are there: it is loading again. */
    void downloaded(long myEpoch) {
        life.step(effects -> {
            if (myEpoch == life.epoch && !life.removed && life.state.status() == ModelStatus.DOWNLOADING) {
                life.state = life.state.with(ModelStatus.LOADING, null);
            }
        });
    }

    /**
     * The load produced a worker pool. {@code false} when the load is stale (unloaded, removed, timed out or
     * orphaned by a leaving provider meanwhile: whoever did that has already answered its callers); the loader then
     * closes the pool.
     */
    boolean loaded(long myEpoch, WorkerPool pool, ProviderRegistry.Bound provider, String deviceNote, long estimate,
                   long millis) {
        return life.transition(effects -> {
            if (myEpoch != life.epoch || life.removed) {
                return false;
            }
            CompletableFuture<WorkerPool> future = life.loading;
            life.loading = null;
            life.backoff.reset();
            life.providerWait.servedLocked();
            life.state = EntryState.loaded(pool, provider, deviceNote, estimate);
            LOG.info("Model {} loaded by {} on {} in {} ms", life.id, provider.name(), pool.device(), millis);
            effects.post(ModelEvents.LOADED, Map.of(ModelEvents.PROVIDER, provider.name(), ModelEvents.DEVICE,
                pool.device(), ModelEvents.DURATION_MS, millis));
            int preload = life.requirement().preloadWorkers();
            effects.add(() -> {
                future.complete(pool);
                if (preload > 1) {
                    pool.growTo(preload);
                }
                life.ctx.listener().changed();
            });
            return true;
        });
    }

    /** The load failed. */
    void loadFailed(long myEpoch, ModelException failure, String providerName) {
        life.step(effects -> {
            if (myEpoch == life.epoch && !life.removed) {
                failLoadLocked(failure, providerName, effects);
            }
        });
    }

    /**
     * The provider has not finished loading within the load timeout: the model still shows {@code LOADING}, now with
     * the reason, so that operators see the hang (callers' own waits end at the same timeout). The load is not
     * abandoned: native loads cannot be interrupted, and a late but good instance is still taken. An unload ends
     * the wait; the next call loads afresh.
     */
    void loadOverdue(long myEpoch, String reason) {
        life.step(effects -> {
            if (myEpoch == life.epoch && !life.removed && life.loading != null
                && life.state.status() == ModelStatus.LOADING) {
                EntryState s = life.state;
                life.state = new EntryState(ModelStatus.LOADING, reason, null, null, s.provider(), s.deviceNote(), null,
                    s.estimatedMemory());
                LOG.warn("Model {}: {}", life.id, reason);
            }
        });
    }

    private void failLoadLocked(ModelException failure, String providerName, Effects effects) {
        effects.fail(life.loading, failure);
        life.loading = null;
        Duration wait = life.backoff.failed(failure, System.nanoTime());
        life.state = life.state.with(ModelStatus.FAILED, wait.isZero() ? failure.reason()
            : failure.reason() + " (next load after " + wait.toSeconds() + " s)");
        LOG.warn("Model {} failed to load: {}", life.id, failure.reason(), failure.getCause());
        effects.post(ModelEvents.FAILED, providerName == null ? Map.of(ModelEvents.REASON, failure.reason())
            : Map.of(ModelEvents.REASON, failure.reason(), ModelEvents.PROVIDER, providerName));
    }

    /** A prefetch is about to fetch files: {@code DOWNLOADING}. Its epoch, or -1 when a load or change took over. */
    long prefetching(String providerName) {
        return life.transition(effects -> {
            if (life.removed || life.loading != null || life.state.status() != ModelStatus.REGISTERED) {
                return -1L;
            }
            life.state = EntryState.of(ModelStatus.DOWNLOADING, null);
            effects.post(ModelEvents.DOWNLOADING, Map.of(ModelEvents.PROVIDER, providerName));
            return ++life.epoch;
        });
    }

    /** A prefetch ended; {@code failure} is {@code null} when the files are there. */
    void prefetched(long myEpoch, ModelException failure) {
        life.step(effects -> {
            if (myEpoch != life.epoch || life.removed || life.state.status() != ModelStatus.DOWNLOADING) {
                return; // a load took over (it fetches on its own, sharing this download) or the model went
            }
            if (failure == null) {
                life.state = EntryState.of(ModelStatus.REGISTERED, null);
            } else {
                life.state = EntryState.of(ModelStatus.FAILED, failure.reason());
                LOG.warn("Model {}: {}", life.id, failure.reason());
                effects.post(ModelEvents.FAILED, Map.of(ModelEvents.REASON, failure.reason()));
            }
        });
    }

    /** Whether a load (or the growth of its pool) of that epoch is still wanted. */
    boolean current(long myEpoch) {
        return life.transition(effects -> myEpoch == life.epoch && !life.removed);
    }
}
