package dev.modelmanager.core.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.RequirementProperties;

/**
 * Keeps the manager's state in its {@link StateStore} and brings it back at start.
 * <ul>
 * <li>Registrations of <em>durable</em> requesters (see {@link ModelManagerConstants#isDurableRequester}: the shell,
 * the REST API, {@code durable:...}) are restored: nobody else would register them again. Bundles register
 * again when they start, and declared models come back from Config Admin.</li>
 * <li>Models that were loaded load again as soon as they are registered (whoever registers them).</li>
 * <li>The default model is set again once it is registered.</li>
 * <li>Statistics continue from where they were.</li>
 * </ul>
 * Operator changes (register, release, default) are written before the call returns; loads, unloads and
 * statistics are written by a periodic check that writes only when something changed.
 */
final class StatePersistence {
    private static final Logger LOG = LoggerFactory.getLogger(StatePersistence.class);

    private final StateStore store;
    private final ModelRegistry registry;
    private final ManagerContext ctx;
    private final Set<String> pendingLoads = ConcurrentHashMap.newKeySet();
    private volatile String pendingDefault;
    private final Object writing = new Object();
    private String lastFingerprint = "";
    private volatile boolean restoring;

    StatePersistence(StateStore store, ModelRegistry registry, ManagerContext ctx) {
        this.store = store;
        this.registry = registry;
        this.ctx = ctx;
    }

    /** Reads the saved state and registers its durable registrations again through {@code manager}. */
    void restore(ModelManager manager) {
        StateStore.State state = store.read().orElse(null);
        if (state == null) {
            return;
        }
        ctx.restoredStats.putAll(state.retainedStats());
        for (StateStore.SavedModel model : state.models()) {
            if (model.stats() != null) {
                ctx.restoredStats.put(model.id(), model.stats());
            }
            if (model.loaded()) {
                pendingLoads.add(model.id());
            }
        }
        pendingDefault = state.defaultModel();
        restoring = true;
        try {
            restoreRegistrations(manager, state);
        } finally {
            restoring = false;
        }
        save();
    }

    private void restoreRegistrations(ModelManager manager, StateStore.State state) {
        int restored = 0;
        for (StateStore.SavedModel model : state.models()) {
            for (String requester : model.requesters()) {
                if (!ModelManagerConstants.isDurableRequester(requester)) {
                    continue;
                }
                try {
                    manager.register(model.id(), RequirementProperties.parse(model.requirement()), requester);
                    restored++;
                } catch (ModelException e) {
                    LOG.warn("Could not restore the registration of {} by {}: {}", model.id(), requester,
                        e.getMessage());
                }
            }
        }
        state.aliases().forEach((alias, target) -> {
            if (registry.contains(target)) {
                registry.alias(alias, target);
            } else {
                LOG.warn("Alias {} is not restored: its target {} is not registered", alias, target);
            }
        });
        LOG.info("Restored {} registration(s) and {} alias(es) from {}", restored, state.aliases().size(),
            store.file());
    }

    /** A model was registered: load it if it was loaded when the state was saved; make it the default again. */
    void registered(ModelEntry entry) {
        if (pendingLoads.remove(entry.id())) {
            LOG.info("Model {} was loaded before the restart; loading it again", entry.id());
            entry.loadWhenPossible();
        }
        String wanted = pendingDefault;
        if (entry.id().equals(wanted) && registry.defaultId() == null) {
            pendingDefault = null;
            registry.setDefault(wanted);
        }
    }

    /** An operator set the default: a default waiting from the saved state no longer applies. */
    void defaultChanged() {
        pendingDefault = null;
    }

    /** Writes the state now (operator changes and shutdown). Failures are logged, never thrown. */
    void save() {
        if (restoring) {
            return;
        }
        synchronized (writing) {
            write(snapshot());
        }
    }

    private void write(StateStore.State state) {
        try {
            store.write(state);
            lastFingerprint = fingerprint(state);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not save the manager's state to {}: {}", store.file(), e.toString());
        }
    }

    /** Writes the state if anything changed since the last write (periodic). */
    void saveIfChanged() {
        synchronized (writing) {
            StateStore.State state = snapshot();
            if (!restoring && !fingerprint(state).equals(lastFingerprint)) {
                write(state);
            }
        }
    }

    /** Starts the periodic check. */
    void schedule(long periodMillis) {
        ctx.scheduler.scheduleWithFixedDelay(this::saveIfChanged, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private StateStore.State snapshot() {
        List<StateStore.SavedModel> models = new ArrayList<>();
        Map<String, ModelStats> retained = new TreeMap<>(ctx.restoredStats);
        for (ModelEntry entry : registry.all()) {
            EntryState s = entry.state();
            boolean loaded = s.worker() != null || s.status() == dev.modelmanager.api.ModelStatus.LOADING;
            models.add(new StateStore.SavedModel(entry.id(), RequirementProperties.format(entry.requirement()),
                entry.requesters(), loaded || pendingLoads.contains(entry.id()), entry.stats()));
            retained.remove(entry.id());
        }
        // Loads still waiting for their model's registration stay wanted across another restart.
        Map<String, StateStore.SavedModel> byId = new HashMap<>();
        models.forEach(m -> byId.put(m.id(), m));
        for (String id : pendingLoads) {
            if (!byId.containsKey(id)) {
                models.add(new StateStore.SavedModel(id, null, List.of(), true, null));
            }
        }
        String defaultModel = registry.defaultId() != null ? registry.defaultId() : pendingDefault;
        return new StateStore.State(StateStore.VERSION, Instant.now().toString(), defaultModel, models, retained,
            registry.aliases());
    }

    /** The state without its time stamp, to tell whether anything changed. */
    private static String fingerprint(StateStore.State state) {
        return new StateStore.State(state.version(), null, state.defaultModel(), state.models(), state.retainedStats(),
            new java.util.TreeMap<>(state.aliases())).toString();
    }
}
