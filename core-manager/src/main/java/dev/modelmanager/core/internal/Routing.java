package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelIds;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.core.internal.exec.Failures;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;
import dev.modelmanager.core.internal.persist.StatePersistence;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * Loading and unloading on request, the default model and aliases (switched without downtime: the new target is
 * loaded before the alias flips).
 */
final class Routing {
    private static final Logger LOG = LoggerFactory.getLogger(Routing.class);

    private final ModelRegistry registry;
    private final ProviderRegistry providers;
    private final Registrations registrations;
    private final Supplier<ManagerSettings> settings;
    private final Optional<StatePersistence> persistence;
    private final Function<String, ModelInfo> info;
    /** Serialises alias switches (each takes a load; the flip itself is one map write). */
    private final Object aliasLock = new Object();

    Routing(ModelRegistry registry, ProviderRegistry providers, Registrations registrations,
            Supplier<ManagerSettings> settings, Optional<StatePersistence> persistence,
            Function<String, ModelInfo> info) {
        this.registry = registry;
        this.providers = providers;
        this.registrations = registrations;
        this.settings = settings;
        this.persistence = persistence;
        this.info = info;
    }

    ModelInfo load(String modelId, Duration timeout) {
        ModelEntry entry = registry.resolve(modelId);
        Duration limit = timeout == null ? settings.get().loadTimeout() : timeout;
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            CompletableFuture<Void> arrival = providers.nextArrival();
            long left = deadline - System.nanoTime();
            try {
                entry.pool().get(Math.max(0, left), TimeUnit.NANOSECONDS);
                return info.apply(modelId);
            } catch (ExecutionException e) {
                ModelException cause = Failures.unwrap(e, entry.id());
                if (cause.code() != ErrorCode.NO_PROVIDER && cause.code() != ErrorCode.PROVIDER_GONE) {
                    throw Failures.rethrown(cause);
                }
                try {
                    arrival.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException t) {
                    throw new ModelException(ErrorCode.TIMEOUT, entry.id(), "no provider arrived within "
                        + limit + ": " + cause.reason(), cause);
                } catch (ExecutionException impossible) {
                    throw new IllegalStateException(impossible);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for a provider", i);
                }
            } catch (TimeoutException e) {
                throw new ModelException(ErrorCode.TIMEOUT, entry.id(), "the model did not load within " + limit, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for the load", e);
            }
        }
    }

    CompletionStage<ModelInfo> loadAsync(String modelId) {
        ModelEntry entry;
        try {
            entry = registry.resolve(modelId);
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
        return entry.pool().copy()
            .orTimeout(settings.get().loadTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .handle((pool, error) -> {
                if (error != null) {
                    throw Failures.unwrap(error, entry.id());
                }
                return info.apply(modelId);
            });
    }

    boolean unload(String modelId) {
        ModelEntry entry = registry.resolve(modelId);
        persistence.ifPresent(p -> {
            p.unloaded(modelId);
            p.unloaded(entry.id());
        });
        try {
            return entry.unload("unloaded on request").get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for the unload", e);
        } catch (ExecutionException e) {
            throw Failures.rethrown(Failures.unwrap(e, entry.id()));
        }
    }

    void setDefault(String modelId) {
        registry.setDefault(modelId);
        persistence.ifPresent(p -> {
            p.defaultChanged();
            p.saveDurably();
        });
    }

    ModelInfo switchAlias(String alias, String modelId, Duration timeout) {
        return switchAlias(alias, modelId, timeout, null);
    }

    /** {@code reason}: why a policy moves the alias (for its event), or null for an operator's switch. */
    ModelInfo switchAlias(String alias, String modelId, Duration timeout, String reason) {
        return switchAlias(alias, modelId, timeout, reason, null, null);
    }

    /**
     * What a switch was decided on: the alias's target then and its policy (the very object). A switch that finds
     * either changed when it is ready to flip (the alias removed or pointed elsewhere, the policy replaced) is dropped.
     */
    record Expected(String target, dev.modelmanager.api.AliasPolicy policy) {
    }

    /**
     * Loads the target first (outside the alias lock: a load may take minutes and no other alias waits for it), then
     * flips the alias under the lock, and releases the previous target. With {@code expected}, answers {@code null}
     * (and takes nothing) when the alias changed since the switch was decided; {@code underLock} runs with the flip.
     */
    ModelInfo switchAlias(String alias, String modelId, Duration timeout, String reason, Expected expected,
                          Runnable underLock) {
        ModelIds.check("alias", alias);
        if (ModelManager.DEFAULT_MODEL.equals(alias) || registry.contains(alias)) {
            throw ModelException.invalidInput(alias, "alias", "'" + alias + "' is "
                + (ModelManager.DEFAULT_MODEL.equals(alias) ? "reserved for the default model" : "a registered model id"));
        }
        ModelEntry target = registry.find(modelId).orElseThrow(() -> new ModelException(ErrorCode.NOT_REGISTERED,
            modelId, "no model is registered under this id (an alias points at a model id, not at another alias)"));
        String holder = ModelManagerConstants.ALIAS_PREFIX + alias;
        registrations.register(modelId, target.requirement(), holder, false, null);
        ModelInfo loaded;
        try {
            loaded = load(modelId, timeout);
        } catch (ModelException e) {
            synchronized (aliasLock) {
                releaseUnlessTarget(alias, modelId, holder);
            }
            persistence.ifPresent(StatePersistence::saveDurably);
            throw e;
        }
        boolean dropped = false;
        synchronized (aliasLock) {
            if (expected != null && !(java.util.Objects.equals(registry.aliases().get(alias), expected.target())
                && registry.policies().get(alias) == expected.policy())) {
                LOG.info("Alias {}: the move to {} is dropped, the alias changed meanwhile", alias, modelId);
                releaseUnlessTarget(alias, modelId, holder);
                dropped = true;
            } else {
                moveUnderLock(alias, modelId, holder, reason, underLock);
            }
        }
        // On the disk before the call returns, waited for outside the lock other alias changes take.
        persistence.ifPresent(StatePersistence::saveDurably);
        return dropped ? null : loaded;
    }

    /** Points the alias at the model and lets the previous target go (under the alias lock). */
    private void moveUnderLock(String alias, String modelId, String holder, String reason, Runnable underLock) {
        String previous = registry.alias(alias, modelId, reason);
        if (underLock != null) {
            underLock.run();
        }
        if (previous != null && !previous.equals(modelId)) {
            try {
                registrations.release(previous, holder, null, false);
            } catch (ModelException gone) {
                LOG.debug("Alias {}: its previous target {} was already gone", alias, previous);
            }
        }
    }

    /** The alias's reference on a model it did not end up pointing at goes (under the alias lock). */
    private void releaseUnlessTarget(String alias, String modelId, String holder) {
        if (!modelId.equals(registry.aliases().get(alias))) {
            try {
                registrations.release(modelId, holder, null, false);
            } catch (ModelException gone) {
                LOG.debug("Alias {}: {} was already gone", alias, modelId);
            }
        }
    }

    /** Points the alias at the first candidate that loads, then lets the policy move it. */
    ModelInfo autoSwitch(String alias, dev.modelmanager.api.AliasPolicy policy, Duration timeout) {
        for (String candidate : policy.candidates()) {
            if (!registry.contains(candidate)) {
                throw new ModelException(ErrorCode.NOT_REGISTERED, candidate, "candidates: " + candidate
                    + " is not a registered model id (register the candidates first)");
            }
        }
        ModelException last = null;
        for (String candidate : policy.candidates()) {
            try {
                ModelInfo target = switchAlias(alias, candidate, timeout,
                    last == null ? "auto-switch: first candidate" : "auto-switch: " + last.getMessage(), null,
                    () -> registry.policy(alias, policy));
                LOG.info("Alias {} moves on its own among {} (threshold {}, window {} s)", alias,
                    policy.candidates(), policy.threshold(), policy.window().toSeconds());
                return target;
            } catch (ModelException e) {
                if (e.code() == ErrorCode.INVALID_INPUT) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    boolean removeAlias(String alias) {
        synchronized (aliasLock) {
            String target = registry.unalias(alias);
            if (target == null) {
                return false;
            }
            try {
                registrations.release(target, ModelManagerConstants.ALIAS_PREFIX + alias, null, false);
            } catch (ModelException gone) {
                LOG.debug("Alias {}: its target {} was already gone", alias, target);
            }
        }
        persistence.ifPresent(StatePersistence::saveDurably);
        return true;
    }
}
