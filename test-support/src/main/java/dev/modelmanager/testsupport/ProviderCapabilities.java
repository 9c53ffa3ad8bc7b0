package dev.modelmanager.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.annotation.ProvideModelTypes;
import dev.modelmanager.api.spi.ModelProvider;

/**
 * Compares what a provider class declares for resolvers ({@link ProvideModelTypes}, written into its bundle's
 * manifest) with what the provider answers at run time, so that the two cannot drift apart.
 */
public final class ProviderCapabilities {
    private ProviderCapabilities() {
    }

    /** The differences, empty when the declaration matches {@code name()} and {@code modelTypes()}. */
    public static List<String> mismatches(ModelProvider provider) {
        List<String> problems = new ArrayList<>();
        ProvideModelTypes declared = provider.getClass().getAnnotation(ProvideModelTypes.class);
        if (declared == null) {
            problems.add(provider.getClass().getName() + " has no @ProvideModelTypes");
            return problems;
        }
        if (!declared.provider().equals(provider.name())) {
            problems.add("declares provider '" + declared.provider() + "' but is named '" + provider.name() + "'");
        }
        Set<String> served = new TreeSet<>();
        for (ModelType type : provider.modelTypes()) {
            served.add(type.id());
        }
        Set<String> listed = new TreeSet<>(List.of(declared.value()));
        if (!listed.equals(served)) {
            problems.add("declares model types " + listed + " but serves " + served);
        }
        return problems;
    }
}
