package dev.modelmanager.core.internal;

import java.util.HashMap;
import java.util.Map;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.Registration;
import dev.modelmanager.core.internal.handle.Handles;
import dev.modelmanager.core.internal.lifecycle.Owner;

/**
 * The typed handles taken, counted per reference: a requester's handles on one model share its reference, which
 * goes when the last of them closes. Registering and releasing under the count's lock touch no provider and no
 * disk (the model is registered before, outside it).
 */
final class HandleRefs {
    private record Key(String modelId, String requester, long owner) {
    }

    private final Registrations registrations;
    private final Map<Key, Integer> open = new HashMap<>(); // guarded by this

    HandleRefs(Registrations registrations) {
        this.registrations = registrations;
    }

    /**
     * A handle on a model: registered with {@code requirement}, or attached when it is {@code null}.
     *
     * @param view the manager the handle calls (a bundle's view, or the manager itself)
     */
    <R extends ModelRef> R take(ModelManager view, String modelId, ModelRequirement requirement, Class<R> handle,
                                String requester, Owner owner) {
        Registration registered = requirement == null ? registrations.attach(modelId, requester, owner)
            : registrations.register(modelId, requirement, requester, true, owner);
        Handles.check(registered.modelId(), registered.modelType(), handle);
        Key key = new Key(registered.modelId(), requester, owner == null ? -1 : owner.bundleId());
        synchronized (this) {
            if (open.merge(key, 1, Integer::sum) == 1) {
                // The reference a last handle's close may just have given back: hold it again.
                registrations.attach(registered.modelId(), requester, owner);
            }
        }
        return Handles.of(handle, registered.modelType(), view, registered.modelId(), requester,
            () -> close(key, owner));
    }

    private synchronized void close(Key key, Owner owner) {
        int left = open.merge(key, -1, Integer::sum);
        if (left <= 0) {
            open.remove(key);
            try {
                registrations.release(key.modelId(), key.requester(), owner);
            } catch (dev.modelmanager.api.ModelException gone) {
                // released already (the bundle stopped, or the model went): nothing to give back
            }
        }
    }

    /** A bundle stopped: its handles' counts go with its references. */
    synchronized void forget(Owner owner) {
        open.keySet().removeIf(k -> k.owner() == owner.bundleId());
    }
}
