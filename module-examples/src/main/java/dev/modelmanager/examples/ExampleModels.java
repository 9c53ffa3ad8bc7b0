package dev.modelmanager.examples;

import java.util.Map;
import java.util.Set;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.RequirementProperties;

/** What the example bundles share: taking the model they need as their component configuration says. */
public final class ExampleModels {
    private ExampleModels() {
    }

    /** The configured {@code model.id}, or {@code otherwise}. */
    public static String modelId(Map<String, ?> config, String otherwise) {
        Object id = config.get("model.id");
        return id == null || id.toString().isBlank() ? otherwise : id.toString().strip();
    }

    /**
     * A handle on the model the configuration names, as {@code model:register} would read it:
     * <ul>
     * <li>requirement keys ({@code model_type}, {@code name}, {@code path}, {@code hub}, ...): registers that
     * requirement under {@code model.id} (default {@code defaultId}); the same requirement registered by anyone
     * else, under any id, is the same loaded model;</li>
     * <li>only {@code model.id}: attaches to the model already registered under it (a declared model, say), without
     * repeating its source;</li>
     * <li>neither: registers {@code otherwise} under {@code defaultId}.</li>
     * </ul>
     * The handle's requester is this bundle; closing it releases the reference.
     *
     * @param hostKeys the component's own keys, which are not requirement keys
     */
    public static <R extends ModelRef> R open(ModelManager models, Map<String, ?> config, String defaultId,
                                              ModelRequirement otherwise, Class<R> type, String... hostKeys) {
        String id = modelId(config, defaultId);
        if (config.containsKey("model_type")) {
            return models.register(id, RequirementProperties.parse(config, Set.of(hostKeys)), type);
        }
        if (config.containsKey("model.id")) {
            return models.attach(id, type);
        }
        return models.register(id, otherwise, type);
    }
}
