package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;

/**
 * The references a model is held by: each a name the model is registered under, a requester and, for a bundle's
 * reference, its owner. The same requester registering the same name twice holds one reference; two bundles using
 * the same requester string hold one each. Changed only under the entry's lock; read anywhere.
 */
final class EntryReferences {
    /** One reference. */
    record Reference(String name, String requester, Owner owner) {
    }

    private final Set<Reference> references = ConcurrentHashMap.newKeySet();

    /** An operator's durable requester (shell, REST, {@code durable:}, {@code alias:}) is shared: never owned. */
    static Owner ownerOf(String requester, Owner caller) {
        return ModelManagerConstants.isDurableRequester(requester) ? null : caller;
    }

    /** Adds a reference; {@code false} when it was held already. */
    boolean add(String name, String requester, Owner owner) {
        return references.add(new Reference(name, requester, ownerOf(requester, owner)));
    }

    /**
     * Drops a reference; {@code false} when there was none.
     *
     * @throws ModelException {@link ErrorCode#NOT_OWNER} when only another bundle holds it
     */
    boolean remove(String modelId, String name, String requester, Owner caller) {
        Owner owner = ownerOf(requester, caller);
        if (references.remove(new Reference(name, requester, owner))
            || owner != null && references.remove(new Reference(name, requester, null))) {
            return true; // the caller's own, or an unowned one (anyone may release those)
        }
        for (Reference r : references) {
            if (r.name().equals(name) && r.requester().equals(requester) && r.owner() != null
                && (caller == null || r.owner().bundleId() != caller.bundleId())) {
                throw new ModelException(ErrorCode.NOT_OWNER, modelId, "requester", "the reference of '" + requester
                    + "' belongs to " + r.owner() + ": only that bundle releases it (it does when it stops)", null);
            }
        }
        return false;
    }

    /** Drops every reference of one owner; answers them. */
    List<Reference> removeAll(Owner owner) {
        List<Reference> removed = new ArrayList<>();
        for (Reference r : references) {
            if (r.owner() != null && r.owner().bundleId() == owner.bundleId() && references.remove(r)) {
                removed.add(r);
            }
        }
        return removed;
    }

    int count() {
        return references.size();
    }

    boolean isEmpty() {
        return references.isEmpty();
    }

    /** References through one name. */
    int count(String name) {
        int n = 0;
        for (Reference r : references) {
            if (r.name().equals(name)) {
                n++;
            }
        }
        return n;
    }

    /** The requesters, each once, sorted. */
    List<String> requesters() {
        Set<String> all = new TreeSet<>();
        references.forEach(r -> all.add(r.requester()));
        return List.copyOf(all);
    }

    /** The requesters through one name, sorted. */
    List<String> requesters(String name) {
        Set<String> all = new TreeSet<>();
        references.forEach(r -> {
            if (r.name().equals(name)) {
                all.add(r.requester());
            }
        });
        return List.copyOf(all);
    }

    /** The owners holding references now, for messages ("whose references it had"). */
    List<String> holders() {
        Set<String> all = new TreeSet<>();
        references.forEach(r -> all.add(r.owner() == null ? r.requester() : r.requester() + " (" + r.owner() + ")"));
        return List.copyOf(all);
    }
}
