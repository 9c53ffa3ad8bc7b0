package dev.modelmanager.core.internal.provider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;

/**
 * The {@link ModelProvider} services bound now, and the choice of one for a requirement. Every question to a
 * provider goes through {@link ProviderCalls} (bounded in time). A generation number changes with every arrival and
 * departure, so that a choice made without a lock can be checked for staleness under one.
 */
public final class ProviderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    /** A bound provider with the service properties that order it. */
    public record Bound(ModelProvider provider, String name, int ranking, long serviceId) {
    }

    /**
     * The provider chosen for a requirement, or why none was.
     *
     * @param generation the registry's generation the choice was made in
     */
    public record Selection(Bound chosen, String refusals, long generation) {
        public boolean found() {
            return chosen != null;
        }
    }

    private static final Comparator<Bound> ORDER = Comparator.comparingInt(Bound::ranking).reversed()
        .thenComparingLong(Bound::serviceId);

    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicReference<CompletableFuture<Void>> nextChange = new AtomicReference<>(new CompletableFuture<>());
    private final ProviderCalls calls;

    public ProviderRegistry(ProviderCalls calls) {
        this.calls = calls;
    }

    public ProviderCalls calls() {
        return calls;
    }

    public Bound add(ModelProvider provider, Map<String, ?> properties) {
        Bound b = new Bound(provider, safeName(provider), intProperty(properties, "service.ranking", 0),
            longProperty(properties, "service.id", System.identityHashCode(provider)));
        bound.add(b);
        generation.incrementAndGet();
        nextChange.getAndSet(new CompletableFuture<>()).complete(null);
        return b;
    }

    public Bound remove(ModelProvider provider) {
        for (Bound b : bound) {
            if (b.provider() == provider) {
                bound.remove(b);
                generation.incrementAndGet();
                return b;
            }
        }
        return null;
    }

    /** Changes with every provider that arrives or leaves. */
    public long generation() {
        return generation.get();
    }

    public List<Bound> all() {
        List<Bound> list = new ArrayList<>(bound);
        list.sort(ORDER);
        return list;
    }

    /** Completes when the next provider arrives. */
    public CompletableFuture<Void> nextArrival() {
        return nextChange.get();
    }

    /**
     * The supporting provider with the best score; ties go to the higher ranking, then the older service. Asks each
     * provider (bounded in time): never call it under a lock.
     */
    public Selection select(ModelRequirement requirement) {
        long gen = generation.get();
        Bound best = null;
        int bestScore = 0;
        List<String> refusals = new ArrayList<>();
        for (Bound b : all()) {
            if (requirement.provider() != null && !requirement.provider().equals(b.name())) {
                continue;
            }
            if (!b.provider().modelTypes().contains(requirement.modelType())) {
                refusals.add(b.name() + ": does not serve " + requirement.modelType() + " models");
                continue;
            }
            ProviderFit fit;
            try {
                fit = calls.call(b.name(), "assess " + requirement.name(), () -> b.provider().assess(requirement));
            } catch (ModelException e) {
                LOG.warn("Provider {} could not assess {}: {}", b.name(), requirement.name(), e.reason());
                refusals.add(b.name() + ": " + e.reason());
                continue;
            } catch (Exception e) {
                LOG.warn("Provider {} failed to assess {}", b.name(), requirement.name(), e);
                refusals.add(b.name() + ": failed to assess (" + e + ")");
                continue;
            }
            if (fit == null) {
                refusals.add(b.name() + ": gave no assessment");
            } else if (!fit.isSupported()) {
                refusals.add(b.name() + ": " + fit.reason());
            } else if (fit.score() > bestScore) {
                best = b;
                bestScore = fit.score();
            }
        }
        if (best != null) {
            return new Selection(best, "", gen);
        }
        String wanted = requirement.provider() == null ? "" : " named '" + requirement.provider() + "'";
        String why = refusals.isEmpty() ? "no provider" + wanted + " is installed" : String.join("; ", refusals);
        return new Selection(null, "no provider" + wanted + " can serve " + requirement.modelType() + " model '"
            + requirement.name() + "' (" + why + ")", gen);
    }

    /** The files a provider asks for; a provider that fails to say (in time) is treated as asking for none. */
    public List<FileRequest> filesWanted(Bound provider, ModelRequirement requirement) {
        try {
            List<FileRequest> files = calls.call(provider.name(), "say which files " + requirement.name() + " needs",
                () -> provider.provider().files(requirement));
            return files == null ? List.of() : files;
        } catch (Exception e) {
            LOG.warn("Provider {} failed to say which files {} needs: {}", provider.name(), requirement.name(),
                e.toString());
            return List.of();
        }
    }

    /**
     * Lets the provider check a model's local files before it is registered (bounded in time). A provider that does
     * not answer in time, or fails in its own code, is reported and the files pass: its load checks them again.
     *
     * @throws ModelException what the provider found wrong ({@code INVALID_MODEL_FILE}, {@code INVALID_REQUIREMENT}),
     *                        naming the model
     */
    public void validate(Bound provider, ModelRequirement requirement, ModelFiles files, String modelId) {
        try {
            calls.call(provider.name(), "check the files of " + modelId, () -> {
                provider.provider().validate(requirement, files);
                return null;
            });
        } catch (ModelException e) {
            if (e.code() == ErrorCode.TIMEOUT) {
                LOG.warn("Model {}: {}; its files are checked when it loads", modelId, e.reason());
                return;
            }
            throw e.forModel(modelId);
        } catch (Exception e) {
            LOG.warn("Provider {} failed to check the files of {}; they are checked when it loads", provider.name(),
                modelId, e);
        }
    }

    /** The provider's memory estimate for a requirement on a device, or -1 when it cannot tell (in time). */
    public long estimate(Bound provider, ModelRequirement requirement, dev.modelmanager.api.spi.DeviceInfo device) {
        try {
            Long bytes = calls.call(provider.name(), "estimate the memory of " + requirement.name(),
                () -> provider.provider().estimateMemory(requirement, device));
            return bytes == null ? -1 : bytes;
        } catch (Exception e) {
            LOG.debug("Provider {} could not estimate memory of {}", provider.name(), requirement.name(), e);
            return -1;
        }
    }

    /**
     * The host memory a model needs besides its device memory on a GPU ({@link ModelProvider#estimateHostMemory}); 0 on
     * the CPU, -1 when unknown.
     */
    public long estimateHost(Bound provider, ModelRequirement requirement,
                             dev.modelmanager.api.spi.DeviceInfo device) {
        if (!device.isGpu()) {
            return 0;
        }
        try {
            Long bytes = calls.call(provider.name(), "estimate the host memory of " + requirement.name(),
                () -> provider.provider().estimateHostMemory(requirement, device));
            return bytes == null ? -1 : bytes;
        } catch (Exception e) {
            LOG.debug("Provider {} could not estimate host memory of {}", provider.name(), requirement.name(), e);
            return -1;
        }
    }

    private static String safeName(ModelProvider provider) {
        try {
            return provider.name();
        } catch (RuntimeException e) {
            return provider.getClass().getName();
        }
    }

    private static int intProperty(Map<String, ?> properties, String key, int fallback) {
        Object value = properties == null ? null : properties.get(key);
        return value instanceof Number n ? n.intValue() : fallback;
    }

    private static long longProperty(Map<String, ?> properties, String key, long fallback) {
        Object value = properties == null ? null : properties.get(key);
        return value instanceof Number n ? n.longValue() : fallback;
    }
}
