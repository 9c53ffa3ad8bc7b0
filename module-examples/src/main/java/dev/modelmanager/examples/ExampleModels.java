package dev.modelmanager.examples;

import java.util.Map;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.RequirementProperties;

/** What the example bundles share: reading the model they need from their component configuration. */
public final class ExampleModels {
    private ExampleModels() {
    }

    /** The configured {@code model.id}, or {@code otherwise}. */
    public static String modelId(Map<String, Object> config, String otherwise) {
        Object id = config.get("model.id");
        return id == null || id.toString().isBlank() ? otherwise : id.toString().strip();
    }

    /**
     * The requirement from the configuration's requirement keys ({@code model_type}, {@code name}, {@code path},
     * {@code hub}, ... as in {@code model:register}), or {@code otherwise} when it gives none.
     */
    public static ModelRequirement requirement(Map<String, Object> config, ModelRequirement otherwise) {
        if (!config.containsKey("model_type")) {
            return otherwise;
        }
        return RequirementProperties.parse(config); // it skips model.id and the framework's own keys
    }
}
