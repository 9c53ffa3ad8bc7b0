package dev.modelmanager.core.internal.lifecycle;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * The transitions of an {@link EntryLifecycle} when providers come and go. The providers are asked which can serve
 * the model without the lock; a choice made while providers changed again is made again (the registry's generation
 * tells).
 */
final class ProviderChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderChanges.class);

    private final EntryLifecycle life;

    ProviderChanges(EntryLifecycle life) {
        this.life = life;
    }

    /** What a leaving provider leaves to clean up. */
    private record Left(WorkerPool pool, ModelException gone, boolean reload, long epoch,
                        CompletableFuture<Void> closed) {
    }

    /**
     * A provider service left: if it served this model, its running and queued calls finish on it (up to
     * {@code provider.drain.timeout.ms}; the rest fail with {@code PROVIDER_GONE}), its instances close (on this
     * thread: the provider must be done with before its bundle goes), and the model moves to another capable
     * provider (loading again if it was loaded) or waits for one; new calls wait for a provider to come back for
     * {@code provider.wait.seconds} (see {@link ProviderWait}), so that a provider bundle's update fails no call.
     */
    void left(ModelProvider provider) {
        Left left = life.transition(effects -> {
            EntryState s = life.state;
            if (s.provider() == null || s.provider().provider() != provider) {
                return null;
            }
            String why = "provider '" + s.provider().name() + "' went away";
            ModelException gone = new ModelException(ErrorCode.PROVIDER_GONE, life.id, why);
            life.entry.clearCache(); // another provider may embed slightly differently
            boolean reload = s.pool() != null || life.loading != null || life.requirement().preloadWorkers() > 0;
            effects.fail(life.loading, gone);
            life.loading = null;
            life.state = EntryState.of(ModelStatus.REGISTERED, why);
            life.providerWait.leftLocked();
            CompletableFuture<Void> closed = null;
            if (s.pool() != null) {
                closed = new CompletableFuture<>();
                life.unloading = closed; // a load on another provider waits until these instances are closed
            }
            return new Left(s.pool(), gone, reload, ++life.epoch, closed);
        });
        if (left == null) {
            return;
        }
        moveOn(left.epoch(), left.gone().reason(), left.reload());
        if (left.pool() != null) {
            left.pool().drainAndClose(life.ctx.settings().providerDrainTimeout(), false, left.gone());
            life.step(effects -> {
                if (life.unloading == left.closed()) {
                    life.unloading = null;
                }
                effects.post(ModelEvents.UNLOADED, Map.of(ModelEvents.REASON, left.gone().reason()));
                effects.add(() -> left.closed().complete(null));
            });
        }
    }

    /** After its provider left: another provider takes the model (loading it if it was loaded), or it waits. */
    private void moveOn(long epoch, String why, boolean reload) {
        boolean settled = false;
        while (!settled) {
            ProviderRegistry.Selection other = life.ctx.providers().select(life.requirement());
            settled = life.transition(effects -> {
                if (epoch != life.epoch || life.removed) {
                    return true;
                }
                if (other.generation() != life.ctx.providers().generation()) {
                    return false; // providers changed while asking: ask again
                }
                if (other.found()) {
                    life.state = EntryState.of(ModelStatus.REGISTERED, why);
                    LOG.warn("Model {}: {}; moving to provider {}", life.id, why, other.chosen().name());
                    if (reload) {
                        life.startLoadLocked(other, effects);
                    }
                } else {
                    life.reloadOnArrival = reload;
                    life.state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, why + "; " + other.refusals());
                    LOG.warn("Model {}: {}; waiting for a provider", life.id, why);
                    effects.post(ModelEvents.WAITING_FOR_PROVIDER, Map.of(ModelEvents.REASON, life.state.reason()));
                }
                return true;
            });
        }
    }

    /** A provider arrived (or another one remains): a waiting model becomes loadable, and loads if it was loaded. */
    void arrived() {
        boolean settled = life.removed || life.state.status() != ModelStatus.WAITING_FOR_PROVIDER;
        while (!settled) {
            ProviderRegistry.Selection selection = life.ctx.providers().select(life.requirement());
            settled = life.transition(effects -> {
                if (life.removed || life.state.status() != ModelStatus.WAITING_FOR_PROVIDER) {
                    return true;
                }
                if (selection.generation() != life.ctx.providers().generation()) {
                    return false;
                }
                if (!selection.found()) {
                    life.state = EntryState.of(ModelStatus.WAITING_FOR_PROVIDER, selection.refusals());
                } else {
                    life.state = EntryState.of(ModelStatus.REGISTERED, null);
                    if (life.reloadOnArrival || life.requirement().preloadWorkers() > 0
                        || life.providerWait.hasWaitersLocked()) {
                        life.reloadOnArrival = false;
                        life.providerWait.arrivedLocked(life.startLoadLocked(selection, effects), effects);
                    } else if (life.loading == null) {
                        life.prefetchLocked(selection, effects);
                    }
                }
                return true;
            });
        }
    }
}
