package dev.modelmanager.core.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.RequirementProperties;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.core.internal.lifecycle.LifecycleContext;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;
import dev.modelmanager.core.internal.lifecycle.Owner;
import dev.modelmanager.core.internal.persist.StatePersistence;
import dev.modelmanager.core.internal.provider.ProviderRegistry;
import dev.modelmanager.core.internal.source.SourcePaths;

/**
 * Registering and releasing: ids checked, local paths made absolute (or, for a confined caller, placed in the model
 * roots), a new model checked against the catalog, its source verified and its local files validated by the provider
 * that would serve it (on the caller's thread, under no lock), the reference counted by its entry, and the state
 * written: durably before an operator's call (shell, REST, {@code durable:...}) returns, in the background for
 * everyone else.
 */
final class Registrations {
    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

    /** Who a requirement comes from: that decides how its local paths are read and whether its source is checked. */
    enum Origin {
        /**
         * The shell, a bundle, plain Java, a restored registration: any path, a relative one against the working
         * directory ({@code user.dir}, where the launcher was started); the source checked first (not when restored).
         */
        CALLER(true),
        /**
         * A declaration in configuration ({@code etc/}): any path, a relative one against {@code modelmanager.home};
         * not checked first, so that a model whose files cannot be had now is listed, {@code FAILED} with the reason.
         */
        DECLARED(false),
        /** A caller the operator has not vouched for (REST): local files only under the model roots; checked. */
        CONFINED(true),
        /** The manager itself, with a requirement it holds already (an alias holding its target): as it is. */
        INTERNAL(false);

        final boolean verify;

        Origin(boolean verify) {
            this.verify = verify;
        }
    }
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
     * @param verify check first that the source can be had ({@link Origin#CALLER}); without ({@link Origin#INTERNAL}),
     *               the requirement is taken as it is
     */
    Registration register(String modelId, ModelRequirement requirement, String requesterId, boolean verify,
                          Owner owner) {
        return register(modelId, requirement, requesterId, verify ? Origin.CALLER : Origin.INTERNAL, owner);
    }

    Registration register(String modelId, ModelRequirement requested, String requesterId, Origin origin,
                          Owner owner) {
        return register(modelId, requested, requesterId, origin, owner, origin.verify);
    }

    private Registration register(String modelId, ModelRequirement requested, String requesterId, Origin origin,
                                  Owner owner, boolean verify) {
        Ids.checkModelId(modelId);
        Ids.checkRequester(requesterId);
        if (requested == null) {
            throw ModelException.invalidRequirement("requirement", "is required");
        }
        ModelRequirement requirement = placed(modelId, requested, origin);
        if (!registry.contains(modelId) && registry.sharing(requirement) == null) {
            catalog.check(modelId, requirement);
            if (verify) {
                verifySource(modelId, requirement);
            }
        }
        Registration registration = registry.register(modelId, requirement, requesterId, owner,
            id -> new ModelEntry(id, requirement, ctx));
        persistence.ifPresent(p -> p.confined(modelId, requesterId, origin == Origin.CONFINED));
        persisted(registration, requesterId);
        return registration;
    }

    /** The requirement with its local paths absolute, or placed in the model roots for a confined caller. */
    private ModelRequirement placed(String modelId, ModelRequirement requirement, Origin origin) {
        ModelSource source = requirement.source();
        ModelSource placed;
        try {
            placed = switch (origin) {
                case CALLER -> SourcePaths.absolute(source, Path.of(System.getProperty("user.dir")));
                case DECLARED -> SourcePaths.absolute(source, Path.of(System.getProperty("modelmanager.home",
                    System.getProperty("user.dir"))));
                case CONFINED -> SourcePaths.confined(source, ctx.sources().roots());
                case INTERNAL -> source;
            };
        } catch (ModelException e) {
            if (e.code() == ErrorCode.SOURCE_NOT_ALLOWED) {
                LOG.info("Registration of {} refused: {} is outside the model roots {}", modelId, source.describe(),
                    ctx.sources().roots());
            }
            throw e.forModel(modelId);
        }
        return placed.equals(source) ? requirement : requirement.toBuilder().source(placed).build();
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
        return release(modelId, requesterId, owner, true);
    }

    /**
     * @param wait whether a durable requester's release waits for the disk here; {@code false} for a caller under a
     *             lock, which asks for the write and waits for it once out of the lock
     */
    int release(String modelId, String requesterId, Owner owner, boolean wait) {
        Ids.checkRequester(requesterId);
        int left = registry.release(modelId, requesterId, owner);
        persistence.ifPresent(p -> {
            if (wait) {
                saved(p, requesterId);
            } else {
                p.save();
            }
        });
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
     * repository or file, token missing or refused, Hub unreachable), local files missing, resources not found; or
     * when the files on the disk now are not what the provider that would serve it expects. With no provider able to
     * serve it yet, its files are checked by the provider's load.
     */
    private void verifySource(String modelId, ModelRequirement requirement) {
        ProviderRegistry.Selection selection = ctx.providers().select(requirement);
        List<FileRequest> wanted = selection.found()
            ? ctx.providers().filesWanted(selection.chosen(), requirement) : List.of();
        try {
            ctx.sources().verify(requirement.source(), wanted);
        } catch (ModelException e) {
            throw new ModelException(e.code(), modelId, e.field(), "its source cannot be had: " + e.reason(), e);
        }
        if (!selection.found()) {
            LOG.info("Model {}: no provider can serve it yet; its files are checked when it loads", modelId);
            return;
        }
        Optional<ModelFiles> files = ctx.sources().localFiles(requirement.source(), wanted);
        if (files.isPresent()) {
            ctx.providers().validate(selection.chosen(), requirement, files.get(), modelId);
        }
    }

    /**
     * Registers the saved durable registrations again. Their sources are not checked first: at a boot the Hub may be
     * out of reach and a mount not up yet, and a model whose files cannot be had is listed {@code FAILED} with the
     * reason when it loads, rather than dropped from the state for good. A REST registration meets today's model
     * roots again (they may have changed since); one that cannot be registered is reported, and the state file as
     * it was is kept ({@link StatePersistence#restored}).
     */
    void restore(StatePersistence keeper) {
        int restored = 0;
        int failed = 0;
        for (StatePersistence.Saved saved : keeper.restore()) {
            try {
                register(saved.modelId(), RequirementProperties.parse(saved.requirement()),
                    saved.requester(), saved.confined() ? Origin.CONFINED : Origin.CALLER, null, false);
                restored++;
            } catch (ModelException e) {
                failed++;
                LOG.warn("Could not restore the registration of {} by {}: {}", saved.modelId(), saved.requester(),
                    e.getMessage());
            }
        }
        keeper.restored(restored, failed);
    }
}
