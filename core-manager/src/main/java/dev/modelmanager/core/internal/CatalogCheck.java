package dev.modelmanager.core.internal;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.core.internal.catalog.CatalogService;

/**
 * Checks a new registration against the catalog entry of its model name, if there is one: the model type, the
 * embedding dimension and the context window must agree; a deprecated model is registered with a warning.
 */
final class CatalogCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogCheck.class);

    private final Supplier<ModelCatalog> catalog;

    CatalogCheck(Supplier<ModelCatalog> catalog) {
        this.catalog = catalog;
    }

    void check(String modelId, ModelRequirement requirement) {
        ModelCatalog c = catalog.get();
        if (c == null) {
            return;
        }
        c.find(requirement.name()).ifPresent(entry -> {
            String where = " (catalog: " + entry.origin() + ")";
            boolean guessed = "true".equals(entry.metadata().get("type_guessed"));
            if (!guessed && entry.modelType() != requirement.modelType()) {
                throw ModelException.invalidRequirement("model_type", "the catalog lists " + requirement.name()
                    + " as a " + entry.modelType() + " model, not " + requirement.modelType() + where);
            }
            if (entry.dimension() != null && requirement.dimension() != null
                && !entry.dimension().equals(requirement.dimension())) {
                throw ModelException.invalidRequirement("dimension", requirement.name() + " gives "
                    + entry.dimension() + " dimensions, not " + requirement.dimension() + where);
            }
            if (entry.contextWindow() != null && requirement.maxInputLength() != null
                && requirement.maxInputLength() > entry.contextWindow()) {
                throw ModelException.invalidRequirement("max_input_length", requirement.name() + " has a context "
                    + "window of " + entry.contextWindow() + " tokens, less than " + requirement.maxInputLength() + where);
            }
            if (CatalogService.deprecatedNow(entry)) {
                LOG.warn("Model {} ({}) is deprecated since {}{}; registered anyway", modelId, requirement.name(),
                    entry.deprecated(), where);
            }
        });
    }
}
