package dev.modelmanager.core.internal.persist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.RequirementProperties;
import dev.modelmanager.api.StateSave;
import dev.modelmanager.api.event.ManagerEvents;
import dev.modelmanager.core.internal.lifecycle.EntryState;
import dev.modelmanager.core.internal.lifecycle.LifecycleContext;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.Binding;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;

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
 * Every change asks the {@link StateWriter} for a write (coalesced, on its own thread, never under a lock); an
 * operator's change waits until it is on disk before the operator's call returns ({@link #saveDurably}). A
 * periodic check on the writer's thread writes statistics when they changed.
 */
public final class StatePersistence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatePersistence.class);
    /** How often statistics are checked for changes to write. */
    private static final long CHECK_MILLIS = 5_000;
    /** How long an operator's call waits for its change to reach the disk. */
    private static final Duration DURABLE_WAIT = Duration.ofSeconds(10);

    /**
     * A registration to restore: the model, its requirement as properties, the durable requester, and whether it was
     * registered by a confined caller (REST: its local paths are checked against today's model roots again).
     */
    public record Saved(String modelId, Map<String, String> requirement, String requester, boolean confined) {
    }

    private final StateStore store;
    private final ModelRegistry registry;
    private final LifecycleContext ctx;
    private final StateWriter writer;
    private final Set<String> pendingLoads = ConcurrentHashMap.newKeySet();
    /**
     * Models loaded before the restart whose load has not succeeded since: still saved as loaded, so that a boot
     * where their files could not be had (a mount not up, the Hub out of reach) does not make them forget it.
     */
    private final Set<String> wantedLoads = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> confinedRequesters = new ConcurrentHashMap<>();
    private volatile String pendingDefault;
    private volatile boolean restoring;
    private String lastFingerprint = ""; // the writer's thread only
    private volatile int lastModels;
    private volatile Instant lastWritten;
    /** Why the last write failed and since when; {@code null} after a good one. */
    private volatile String failure;
    private Map<String, String> savedAliases = Map.of();
    private Map<String, Map<String, String>> savedPolicies = Map.of();

    public StatePersistence(StateStore store, ModelRegistry registry, LifecycleContext ctx) {
        this.store = store;
        this.registry = registry;
        this.ctx = ctx;
        this.writer = new StateWriter(this::writeSnapshot);
    }

    public java.nio.file.Path file() {
        return store.file();
    }

    /**
     * Reads the saved state: statistics, loads and default to bring back as models register, and the durable
     * registrations the caller registers again (then it calls {@link #restored(int, int)}). Nothing is written meanwhile.
     */
    public List<Saved> restore() {
        StateStore.State state = store.read().orElse(null);
        if (state == null) {
            return List.of();
        }
        restoring = true;
        ctx.retainedStats().putAll(state.retainedStats());
        List<Saved> registrations = new ArrayList<>();
        for (StateStore.SavedModel model : state.models()) {
            if (model.stats() != null) {
                ctx.retainedStats().put(model.id(), model.stats());
            }
            if (model.loaded()) {
                pendingLoads.add(model.id());
            }
            for (String requester : model.requesters()) {
                if (ModelManagerConstants.isDurableRequester(requester)) {
                    registrations.add(new Saved(model.id(), model.requirement(), requester,
                        wasConfined(model, requester)));
                }
            }
        }
        pendingDefault = state.defaultModel();
        savedAliases = state.aliases();
        savedPolicies = state.aliasPolicies();
        return registrations;
    }

    /**
     * Whether a saved registration came from a confined caller: as the file says, or, in a file written before that
     * was kept, when the requester is the REST API's ({@code rest}, {@code rest:...}).
     */
    private static boolean wasConfined(StateStore.SavedModel model, String requester) {
        if (model.confined() != null) {
            return model.confined().contains(requester);
        }
        return requester.equals(ModelManagerConstants.REST_REQUESTER)
            || requester.startsWith(ModelManagerConstants.REST_REQUESTER + ":");
    }

    /**
     * Who registered: a confined caller (REST) is kept with the model, so that a restore confines it again; anyone
     * else registering under that requester id clears the mark.
     */
    public void confined(String modelId, String requester, boolean confined) {
        if (confined) {
            confinedRequesters.computeIfAbsent(modelId, k -> ConcurrentHashMap.newKeySet()).add(requester);
        } else {
            confinedRequesters.computeIfPresent(modelId, (k, set) -> {
                set.remove(requester);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * The saved registrations are back: restore the aliases whose targets are, write, and start the check. When a
     * registration ({@code failed}) or an alias could not come back, the file as it was is kept beside it first, so
     * that the write that leaves them out loses nothing for good.
     */
    public void restored(int registrations, int failed) {
        int[] dropped = {failed};
        savedAliases.forEach((alias, target) -> {
            String problem = dev.modelmanager.api.ModelIds.problem(alias);
            if (problem != null) {
                // Saved by a version whose id rule was wider; every face could not address it now.
                LOG.warn("Alias {} is not restored: alias {}", alias, problem);
                dropped[0]++;
            } else if (registry.contains(target)) {
                registry.alias(alias, target);
            } else {
                LOG.warn("Alias {} is not restored: its target {} is not registered", alias, target);
                dropped[0]++;
            }
        });
        savedPolicies.forEach((alias, properties) -> {
            if (registry.aliases().containsKey(alias)) {
                try {
                    registry.policy(alias, dev.modelmanager.api.AliasPolicy.parse(properties));
                } catch (RuntimeException e) {
                    LOG.warn("The auto-switch policy of alias {} is not restored: {}", alias, e.getMessage());
                    dropped[0]++;
                }
            }
        });
        LOG.info("Restored {} registration(s) and {} alias(es) from {}", registrations, savedAliases.size(),
            store.file());
        savedAliases = Map.of();
        savedPolicies = Map.of();
        restoring = false;
        if (dropped[0] > 0) {
            java.nio.file.Path copy = store.keepCopy("unrestored");
            if (copy != null) {
                LOG.warn("{} registration(s) or alias(es) could not be restored; the state as it was is kept in {}",
                    dropped[0], copy);
            }
        }
        save();
        writer.every(CHECK_MILLIS, this::saveIfChanged);
    }

    /** A model was registered: load it if it was loaded when the state was saved; make it the default again. */
    public void registered(String name, ModelEntry entry) {
        if (pendingLoads.remove(name)) {
            LOG.info("Model {} was loaded before the restart; loading it again", name);
            wantedLoads.add(name);
            entry.loadWhenPossible();
        }
        String wanted = pendingDefault;
        if (name.equals(wanted) && registry.defaultId() == null) {
            pendingDefault = null;
            registry.setDefault(wanted);
        }
    }

    /** An operator unloaded the model: a load wanted from the saved state no longer applies. */
    public void unloaded(String name) {
        wantedLoads.remove(name);
    }

    /** An operator set the default: a default waiting from the saved state no longer applies. */
    public void defaultChanged() {
        pendingDefault = null;
    }

    /** Asks for a write of the state as it will be then; never waits. */
    public CompletableFuture<Void> save() {
        if (restoring) {
            return CompletableFuture.completedFuture(null);
        }
        return writer.request();
    }

    /**
     * Asks for a write and waits (bounded) until it is on disk: an operator's change is durable when the operator's
     * call returns. Failures are logged, never thrown.
     */
    public void saveDurably() {
        try {
            save().get(DURABLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("The manager's state may not be on disk yet ({}): {}", store.file(), e.toString());
        }
    }

    /**
     * Writes now and waits (an operator's save): where it was written, how many models it holds, when.
     *
     * @throws ModelException {@link ErrorCode#TIMEOUT} after {@code wait}, {@link ErrorCode#STORAGE_FAILED} naming
     *                        {@code state.file} when the file cannot be written
     */
    public StateSave saveNow(Duration wait) {
        CompletableFuture<Void> written = writer.request();
        try {
            written.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, null, "interrupted while the state was being written");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ModelException(ErrorCode.TIMEOUT, null, "the state was not written to " + store.file()
                + " within " + wait.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException io ? io.getCause() : e.getCause();
            throw new ModelException(ErrorCode.STORAGE_FAILED, null, "state.file", "state.file: "
                + store.file() + " cannot be written: " + cause, cause);
        }
        return new StateSave(store.file().toAbsolutePath().toString(), lastModels, lastWritten);
    }

    /** Writes what is pending and stops the writer. */
    @Override
    public void close() {
        save();
        writer.close();
    }

    private void writeSnapshot() {
        StateStore.State state = snapshot();
        try {
            store.write(state);
            if (failure != null) {
                LOG.info("The manager's state is written to {} again", store.file());
                failure = null;
            }
            lastFingerprint = fingerprint(state);
            lastModels = state.models().size();
            lastWritten = Instant.now();
        } catch (IOException e) {
            failed(e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            failed(e);
            throw e;
        }
        ctx.events().post(ManagerEvents.STATE_SAVED, Map.of(ManagerEvents.PATH, store.file().toString(),
            ManagerEvents.MODEL_COUNT, state.models().size(), ManagerEvents.SAVED_AT, state.savedAt()));
    }

    /**
     * A write failed (disk full, read-only, gone): said once with a warning, then at debug while it goes on (the
     * periodic check retries every few seconds), and shown in the manager's status until a write succeeds.
     */
    private void failed(Exception e) {
        boolean first = failure == null;
        if (first) {
            failure = "state.file: " + store.file() + " cannot be written since " + Instant.now() + " (" + e
                + "); changes made since are not saved";
            LOG.warn("Could not save the manager's state to {}: {}; changes made since are not saved until a write "
                + "succeeds (the manager's status says so meanwhile)", store.file(), e.toString());
        } else {
            LOG.debug("Could not save the manager's state to {}: {}", store.file(), e.toString());
        }
    }

    /** Why the state cannot be written now (with since when), or {@code null} when the last write succeeded. */
    public String problem() {
        return failure;
    }

    /** Writes the state if anything changed since the last write (periodic, on the writer's thread). */
    private void saveIfChanged() {
        if (restoring) {
            return;
        }
        StateStore.State state = snapshot();
        if (failure != null || !fingerprint(state).equals(lastFingerprint)) {
            try {
                writeSnapshot();
            } catch (RuntimeException e) {
                // logged; the next check tries again
            }
        }
    }

    private StateStore.State snapshot() {
        List<StateStore.SavedModel> models = new ArrayList<>();
        Map<String, ModelStats> retained = ctx.retainedStats().snapshot(); // oldest first, as restored
        java.util.Set<ModelEntry> counted = new java.util.HashSet<>();
        for (Binding named : registry.named()) {
            ModelEntry entry = named.entry();
            EntryState s = entry.state();
            if (s.pool() != null) {
                wantedLoads.remove(named.name()); // loaded again: from now on its state says
            }
            boolean loaded = s.pool() != null || s.status() == ModelStatus.LOADING
                || s.status() == ModelStatus.DOWNLOADING || wantedLoads.contains(named.name());
            // A model's statistics go with its first name only (the others name the same model).
            List<String> requesters = entry.requesters(named.name());
            Set<String> confined = confinedRequesters.getOrDefault(named.name(), Set.of());
            models.add(new StateStore.SavedModel(named.name(), RequirementProperties.format(named.requirement()),
                requesters, loaded || pendingLoads.contains(named.name()),
                counted.add(entry) ? entry.stats() : null,
                requesters.stream().filter(confined::contains).sorted().toList()));
            retained.remove(named.name());
        }
        // Loads still waiting for their model's registration stay wanted across another restart.
        Map<String, StateStore.SavedModel> byId = new HashMap<>();
        models.forEach(m -> byId.put(m.id(), m));
        wantedLoads.retainAll(byId.keySet());
        for (String id : pendingLoads) {
            if (!byId.containsKey(id)) {
                models.add(new StateStore.SavedModel(id, null, List.of(), true, null));
            }
        }
        String defaultModel = registry.defaultId() != null ? registry.defaultId() : pendingDefault;
        Map<String, Map<String, String>> policies = new TreeMap<>();
        registry.policies().forEach((alias, policy) -> policies.put(alias, policy.toProperties()));
        return new StateStore.State(StateStore.VERSION, Instant.now().toString(), defaultModel, models, retained,
            registry.aliases(), policies);
    }

    /** The state without its time stamp, to tell whether anything changed. */
    private static String fingerprint(StateStore.State state) {
        return new StateStore.State(state.version(), null, state.defaultModel(), state.models(), state.retainedStats(),
            new TreeMap<>(state.aliases()), new TreeMap<>(state.aliasPolicies())).toString();
    }
}
