package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.event.ModelEvents;

/**
 * Model ids to models, and the default route. Several ids may name one model: a requirement registered under a new
 * id with the identity of a registered model ({@link Identity}) shares it, the new id becoming another name for it,
 * with defaults of its own ({@link Binding}). Lookups are plain {@link ConcurrentHashMap} reads: no lock, no
 * lifecycle thread between a caller and its model.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** Told when a name comes or goes (after the fact, under no lock). */
    public interface NameListener {
        void added(String name, ModelEntry entry);

        void removed(String name, ModelEntry entry);
    }

    private final ConcurrentHashMap<String, Binding> names = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Identity, ModelEntry> identities = new ConcurrentHashMap<>();
    private final AtomicReference<String> defaultId = new AtomicReference<>();
    private final ConcurrentHashMap<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, dev.modelmanager.api.AliasPolicy> policies = new java.util.concurrent.ConcurrentHashMap<>();
    private final EventPublisher events;
    private volatile NameListener listener;

    public ModelRegistry(EventPublisher events) {
        this.events = events;
    }

    /** Who hears of names coming and going (the model services of the OSGi façade). */
    public void listen(NameListener value) {
        listener = value;
    }

    // ------------------------------------------------------------------ lookups

    /**
     * The binding of an id, following {@value ModelManager#DEFAULT_MODEL} to the default model and aliases to their
     * targets.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    public Binding bind(String modelId) {
        String name = name(modelId);
        Binding binding = names.get(name);
        if (binding == null) {
            throw new ModelException(ErrorCode.NOT_REGISTERED, name, "no model is registered under this id");
        }
        return binding;
    }

    /** The model of an id (see {@link #bind}). */
    public ModelEntry resolve(String modelId) {
        return bind(modelId).entry();
    }

    /** The registered name an id stands for ({@code default} and aliases followed). */
    public String name(String modelId) {
        String id = ModelManager.DEFAULT_MODEL.equals(modelId) ? defaultId.get()
            : modelId == null ? null : aliases.getOrDefault(modelId, modelId);
        if (id == null) {
            throw new ModelException(ErrorCode.NOT_REGISTERED, modelId, modelId == null ? "no model id given"
                : "no default model is set");
        }
        return id;
    }

    public Optional<ModelEntry> find(String modelId) {
        Binding binding = names.get(modelId);
        return Optional.ofNullable(binding == null ? null : binding.entry());
    }

    public boolean contains(String modelId) {
        return names.containsKey(modelId);
    }

    /** The registered model a requirement would share (same identity, compatible checks), or {@code null}. */
    public ModelEntry sharing(ModelRequirement requirement) {
        ModelEntry same = identities.get(Identity.of(requirement));
        return same == null || same.isRemoved() || !Identity.incompatibilities(same.requirement(), requirement)
            .isEmpty() ? null : same;
    }

    /** The names of a model, sorted. */
    public List<String> names(ModelEntry entry) {
        List<String> list = new ArrayList<>();
        names.forEach((name, b) -> {
            if (b.entry() == entry) {
                list.add(name);
            }
        });
        list.sort(null);
        return list;
    }

    /** Every registered name with its model, sorted by name. */
    public List<Binding> named() {
        List<Binding> list = new ArrayList<>(names.values());
        list.sort(Comparator.comparing(Binding::name));
        return list;
    }

    /** Every model once (however many names it has), sorted by id. */
    public List<ModelEntry> all() {
        Map<ModelEntry, Boolean> seen = new java.util.IdentityHashMap<>();
        names.values().forEach(b -> seen.put(b.entry(), Boolean.TRUE));
        List<ModelEntry> list = new ArrayList<>(seen.keySet());
        list.sort(Comparator.comparing(ModelEntry::id));
        return list;
    }

    // ------------------------------------------------------------------ references

    /**
     * Registers: under a known name, that model; under a new name, the registered model of the same identity if there
     * is one and the requirement agrees with it (the name joins it), else a new model. Starts over when it races with
     * a removal.
     */
    public Registration register(String name, ModelRequirement requirement, String requester, Owner owner,
                                 Function<String, ModelEntry> factory) {
        while (true) {
            Binding known = names.get(name);
            if (known != null) {
                Registration registration = known.entry().register(name, requirement, requester, owner, false, false);
                if (registration != null) {
                    names.computeIfPresent(name, (n, b) -> b.entry() == known.entry()
                        ? b.with(b.requirement().mergeLifecycle(requirement)) : b);
                    return registration;
                }
            } else {
                ModelEntry same = sharing(requirement);
                ModelEntry entry = same != null ? same : factory.apply(name);
                if (names.putIfAbsent(name, new Binding(name, entry, requirement)) != null) {
                    continue; // someone registered the name meanwhile
                }
                Registration registration;
                try {
                    registration = entry.register(name, requirement, requester, owner, same == null, same != null);
                } catch (RuntimeException e) {
                    names.remove(name);
                    throw e;
                }
                if (registration != null) {
                    if (same == null) {
                        identities.putIfAbsent(Identity.of(requirement), entry);
                    } else {
                        LOG.info("Model id {} names the model registered as {} (same requirement): one loaded "
                            + "instance", name, same.id());
                    }
                    added(name, entry);
                    return registration;
                }
                names.remove(name);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Adds a reference to a registered model without repeating its requirement.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    public Registration attach(String modelId, String requester, Owner owner) {
        while (true) {
            Binding binding = bind(modelId);
            Registration registration = binding.entry().register(binding.name(), binding.requirement(), requester,
                owner, false, false);
            if (registration != null) {
                return registration;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Drops a reference. Returns the references the model has left; a name no reference holds any more is dropped
     * at once while the model lives on under its other names.
     */
    public int release(String modelId, String requester, Owner owner) {
        Binding binding = bind(modelId);
        ModelEntry.Released released = binding.entry().release(binding.name(), requester, owner);
        if (released.leftForName() == 0 && released.left() > 0) {
            drop(binding.name(), binding.entry());
        }
        return released.left();
    }

    /** Drops every reference a bundle holds (it released the manager service: it stopped, whatever its code did). */
    public void releaseAll(Owner owner) {
        for (ModelEntry entry : all()) {
            for (String orphan : entry.releaseAll(owner)) {
                drop(orphan, entry);
            }
        }
    }

    private void drop(String name, ModelEntry entry) {
        if (removeName(name, entry)) {
            LOG.info("Model id {} no longer names model {}: nobody holds it by that id", name, entry.id());
        }
    }

    private boolean removeName(String name, ModelEntry entry) {
        Binding binding = names.get(name);
        if (binding == null || binding.entry() != entry || !names.remove(name, binding)) {
            return false;
        }
        if (defaultId.compareAndSet(name, null)) {
            LOG.info("Default model {} is no longer registered; no default now", name);
            events.post(ModelEvents.DEFAULT_CHANGED, Map.of(ModelEvents.PREVIOUS, name));
        }
        NameListener l = listener;
        if (l != null) {
            l.removed(name, entry);
        }
        return true;
    }

    private void added(String name, ModelEntry entry) {
        NameListener l = listener;
        if (l != null) {
            l.added(name, entry);
        }
    }

    /** Called by a model that dropped out (its idle timeout passed with no requester left): every name goes. */
    public void removed(ModelEntry entry) {
        identities.remove(Identity.of(entry.requirement()), entry);
        for (String name : names(entry)) {
            removeName(name, entry);
        }
    }

    // ------------------------------------------------------------------ routing

    public void setDefault(String modelId) {
        if (ModelManager.DEFAULT_MODEL.equals(modelId)) {
            throw ModelException.invalidInput(modelId, "model_id", "name a registered model, not '" + modelId + "'");
        }
        resolve(modelId);
        String previous = defaultId.getAndSet(modelId);
        if (!modelId.equals(previous)) {
            LOG.info("Default model is now {} (was {})", modelId, previous);
            events.post(ModelEvents.DEFAULT_CHANGED, previous == null ? Map.of(ModelEvents.MODEL_ID, modelId)
                : Map.of(ModelEvents.MODEL_ID, modelId, ModelEvents.PREVIOUS, previous));
        }
    }

    public String defaultId() {
        return defaultId.get();
    }

    /** Points {@code alias} at {@code modelId}; returns the previous target, or {@code null}. */
    public String alias(String alias, String modelId) {
        return alias(alias, modelId, null);
    }

    /** The same, saying why in the event ({@code reason}: what made a policy move it, or null). */
    public String alias(String alias, String modelId, String reason) {
        String previous = aliases.put(alias, modelId);
        if (!modelId.equals(previous)) {
            LOG.info("Alias {} now points at {} (was {}){}", alias, modelId, previous,
                reason == null ? "" : ": " + reason);
            Map<String, Object> props = new java.util.HashMap<>();
            props.put(ModelEvents.ALIAS, alias);
            props.put(ModelEvents.MODEL_ID, modelId);
            if (previous != null) {
                props.put(ModelEvents.PREVIOUS, previous);
            }
            if (reason != null) {
                props.put(ModelEvents.REASON, reason);
            }
            events.post(ModelEvents.ALIAS_CHANGED, props);
        }
        return previous;
    }

    public String unalias(String alias) {
        policies.remove(alias);
        return aliases.remove(alias);
    }

    /** The alias moves on its own by this policy from now on. */
    public void policy(String alias, dev.modelmanager.api.AliasPolicy policy) {
        policies.put(alias, policy);
    }

    public SortedMap<String, dev.modelmanager.api.AliasPolicy> policies() {
        return new TreeMap<>(policies);
    }

    public SortedMap<String, String> aliases() {
        return new TreeMap<>(aliases);
    }

    // ------------------------------------------------------------------ providers and shutdown

    /** A provider arrived: waiting models may load. Asks the providers: never call it under a lock. */
    public void providerArrived() {
        for (ModelEntry entry : all()) {
            entry.providerArrived();
        }
    }

    /** A provider left: its models fail their calls, close their instances and move on or wait. */
    public void providerLeft(dev.modelmanager.api.spi.ModelProvider provider) {
        for (ModelEntry entry : all()) {
            entry.providerLeft(provider);
        }
    }

    /** The manager stops: every model is dropped, its calls failed and its instances closed. */
    public void shutdown(java.time.Duration drain) {
        List<ModelEntry> list = all();
        names.clear();
        identities.clear();
        defaultId.set(null);
        for (ModelEntry entry : list) {
            entry.shutdown(drain);
        }
    }
}
