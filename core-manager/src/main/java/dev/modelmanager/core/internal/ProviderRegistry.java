package dev.modelmanager.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;

/** The {@link ModelProvider} services bound now, and the choice of one for a requirement. */
final class ProviderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    /** A bound provider with the service properties that order it. */
    record Bound(ModelProvider provider, String name, int ranking, long serviceId) {
    }

    /** The provider chosen for a requirement, or why none was. */
    record Selection(Bound chosen, String refusals) {
        boolean found() {
            return chosen != null;
        }
    }

    private static final Comparator<Bound> ORDER = Comparator.comparingInt(Bound::ranking).reversed()
        .thenComparingLong(Bound::serviceId);

    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<Void>> nextChange = new AtomicReference<>(new CompletableFuture<>());

    Bound add(ModelProvider provider, Map<String, ?> properties) {
        Bound b = new Bound(provider, safeName(provider), intProperty(properties, "service.ranking", 0),
            longProperty(properties, "service.id", System.identityHashCode(provider)));
        bound.add(b);
        nextChange.getAndSet(new CompletableFuture<>()).complete(null);
        return b;
    }

    Bound remove(ModelProvider provider) {
        for (Bound b : bound) {
            if (b.provider() == provider) {
                bound.remove(b);
                return b;
            }
        }
        return null;
    }

    List<Bound> all() {
        List<Bound> list = new ArrayList<>(bound);
        list.sort(ORDER);
        return list;
    }

    /** Completes when the next provider arrives. */
    CompletableFuture<Void> nextArrival() {
        return nextChange.get();
    }

    /** The supporting provider with the best score; ties go to the higher ranking, then the older service. */
    Selection select(ModelRequirement requirement) {
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
                fit = b.provider().assess(requirement);
            } catch (RuntimeException e) {
                LOG.warn("Provider {} failed to assess {}", b.name(), requirement.name(), e);
                refusals.add(b.name() + ": failed to assess (" + e + ")");
                continue;
            }
            if (!fit.isSupported()) {
                refusals.add(b.name() + ": " + fit.reason());
            } else if (fit.score() > bestScore) {
                best = b;
                bestScore = fit.score();
            }
        }
        if (best != null) {
            return new Selection(best, "");
        }
        String wanted = requirement.provider() == null ? "" : " named '" + requirement.provider() + "'";
        String why = refusals.isEmpty() ? "no provider" + wanted + " is installed" : String.join("; ", refusals);
        return new Selection(null, "no provider" + wanted + " can serve " + requirement.modelType() + " model '"
            + requirement.name() + "' (" + why + ")");
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
