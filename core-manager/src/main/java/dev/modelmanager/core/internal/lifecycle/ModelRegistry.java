package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * Model ids to entries, and the default route. Lookups are plain {@link ConcurrentHashMap} reads: no lock, no
 * lifecycle thread between a caller and its model.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final ConcurrentHashMap<String, ModelEntry> entries = new ConcurrentHashMap<>();
    private final AtomicReference<String> defaultId = new AtomicReference<>();
    private final ConcurrentHashMap<String, String> aliases = new ConcurrentHashMap<>();
    private final EventPublisher events;

    public ModelRegistry(EventPublisher events) {
        this.events = events;
    }

    /**
     * The entry for an id, following {@value ModelManager#DEFAULT_MODEL} to the default model.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    public ModelEntry resolve(String modelId) {
        String id = ModelManager.DEFAULT_MODEL.equals(modelId) ? defaultId.get()
            : modelId == null ? null : aliases.getOrDefault(modelId, modelId);
        if (id == null) {
            throw new ModelException(ErrorCode.NOT_REGISTERED, modelId, "no default model is set");
        }
        ModelEntry entry = modelId == null ? null : entries.get(id);
        if (entry == null) {
            throw new ModelException(ErrorCode.NOT_REGISTERED, id, "no model is registered under this id");
        }
        return entry;
    }

    /** Registers, creating the entry when the id is new; starts over when it races with a removal. */
    public Registration register(String modelId, ModelRequirement requirement, String requesterId,
                          Function<String, ModelEntry> factory) {
        while (true) {
            ModelEntry[] created = new ModelEntry[1];
            ModelEntry entry = entries.computeIfAbsent(modelId, id -> created[0] = factory.apply(id));
            Registration registration = entry.register(requirement, requesterId, entry == created[0]);
            if (registration != null) {
                return registration;
            }
            Thread.onSpinWait();
        }
    }

    /** Called by an entry that dropped out (its idle timeout passed with no requester left). */
    public void removed(ModelEntry entry) {
        entries.remove(entry.id(), entry);
        if (defaultId.compareAndSet(entry.id(), null)) {
            LOG.info("Default model {} is no longer registered; no default now", entry.id());
            events.post(ModelEvents.DEFAULT_CHANGED, Map.of(ModelEvents.PREVIOUS, entry.id()));
        }
    }

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

    /** Points {@code alias} at {@code modelId}; returns the previous target, or {@code null}. */
    public String alias(String alias, String modelId) {
        String previous = aliases.put(alias, modelId);
        if (!modelId.equals(previous)) {
            LOG.info("Alias {} now points at {} (was {})", alias, modelId, previous);
            Map<String, Object> props = new java.util.HashMap<>();
            props.put(ModelEvents.ALIAS, alias);
            props.put(ModelEvents.MODEL_ID, modelId);
            if (previous != null) {
                props.put(ModelEvents.PREVIOUS, previous);
            }
            events.post(ModelEvents.ALIAS_CHANGED, props);
        }
        return previous;
    }

    public String unalias(String alias) {
        return aliases.remove(alias);
    }

    public java.util.SortedMap<String, String> aliases() {
        return new java.util.TreeMap<>(aliases);
    }

    public java.util.Optional<ModelEntry> find(String modelId) {
        return java.util.Optional.ofNullable(entries.get(modelId));
    }

    public boolean contains(String modelId) {
        return entries.containsKey(modelId);
    }

    public String defaultId() {
        return defaultId.get();
    }

    /** Every entry, sorted by id. */
    public List<ModelEntry> all() {
        List<ModelEntry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparing(ModelEntry::id));
        return list;
    }

    /** Drops a requester's reference. Returns the references left. */
    public int release(String modelId, String requesterId) {
        return resolve(modelId).release(requesterId);
    }

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
        entries.clear();
        defaultId.set(null);
        for (ModelEntry entry : list) {
            entry.shutdown(drain);
        }
    }
}
