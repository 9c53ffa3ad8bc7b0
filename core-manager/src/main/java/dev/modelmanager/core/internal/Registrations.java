package dev.modelmanager.core.internal;

import java.util.List;
import java.util.Optional;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.Registration;
import dev.modelmanager.core.internal.lifecycle.LifecycleContext;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;
import dev.modelmanager.core.internal.lifecycle.Owner;
import dev.modelmanager.core.internal.persist.StatePersistence;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * Registering and releasing: ids checked, a new model checked against the catalog and its source verified (on the
 * caller's thread, under no lock), the reference counted by its entry, and the state written: durably before an
 * operator's call (shell, REST, {@code durable:...}) returns, in the background for everyone else.
 */
final class Registrations {
    private final ModelRegistry registry;
    private final LifecycleContext ctx;
    private final CatalogCheck catalog;
    private final Optional<StatePersistence> persistence;

    Registrations(ModelRegistry registry, LifecycleContext ctx, CatalogCheck catalog,
                  Optional<StatePersistence> persistence) {
        this.registry = registry;
        this.ctx = ctx;
        this.catalog = catalog;
        this.persistence = persistence;
    }

    /**
     * @param verify check first that the source can be had (declared and restored models skip it, so that a model
     *               whose files cannot be had now is still listed, {@code FAILED} with the reason)
     */
    Registration register(String modelId, ModelRequirement requirement, String requesterId, boolean verify,
                          Owner owner) {
        Ids.checkModelId(modelId);
        Ids.checkRequester(requesterId);
        if (requirement == null) {
            throw ModelException.invalidRequirement("requirement", "is required");
        }
        if (!registry.contains(modelId) && registry.sharing(requirement) == null) {
            catalog.check(modelId, requirement);
            if (verify) {
                verifySource(modelId, requirement);
            }
        }
        Registration registration = registry.register(modelId, requirement, requesterId, owner,
            id -> new ModelEntry(id, requirement, ctx));
        persisted(registration, requesterId);
        return registration;
    }

    /** A reference to a registered model, without its requirement. */
    Registration attach(String modelId, String requesterId, Owner owner) {
        Ids.checkRequester(requesterId);
        Registration registration = registry.attach(modelId, requesterId, owner);
        persisted(registration, requesterId);
        return registration;
    }

    private void persisted(Registration registration, String requesterId) {
        persistence.ifPresent(p -> {
            registry.find(registration.modelId()).ifPresent(e -> p.registered(registration.modelId(), e));
            saved(p, requesterId);
        });
    }

    /**
     * @throws ModelException {@link dev.modelmanager.api.ErrorCode#NOT_OWNER} when the reference is another bundle's
     */
    int release(String modelId, String requesterId, Owner owner) {
        Ids.checkRequester(requesterId);
        int left = registry.release(modelId, requesterId, owner);
        persistence.ifPresent(p -> saved(p, requesterId));
        return left;
    }

    /** Everything a bundle holds goes (it released the manager service). */
    void releaseAll(Owner owner) {
        registry.releaseAll(owner);
        persistence.ifPresent(StatePersistence::save);
    }

    /** An operator's change is on disk when the call returns; a bundle's is written in the background. */
    private static void saved(StatePersistence persistence, String requesterId) {
        if (ModelManagerConstants.isDurableRequester(requesterId)) {
            persistence.saveDurably();
        } else {
            persistence.save();
        }
    }

    /**
     * Fails fast when a new model's source cannot be had: Hub files neither cached nor answered for (no such
     * repository or file, token missing or refused, Hub unreachable), local files missing, resources not found.
     */
    private void verifySource(String modelId, ModelRequirement requirement) {
        ProviderRegistry.Selection selection = ctx.providers().select(requirement);
        try {
            ctx.sources().verify(requirement.source(),
                selection.found() ? ctx.providers().filesWanted(selection.chosen(), requirement) : List.of());
        } catch (ModelException e) {
            throw new ModelException(e.code(), modelId, e.field(), "its source cannot be had: " + e.reason(), e);
        }
    }
}
