package dev.modelmanager.core.internal.lifecycle;

import dev.modelmanager.api.ModelRequirement;

/**
 * A registered id: the model it names, and the requirement it was registered with, whose defaults (threshold,
 * temperature, most tokens, ...) calls by this id use. Ids that share one model each keep their own defaults.
 *
 * @param name        the id
 * @param entry       the model
 * @param requirement this id's requirement (the model's identity, its own defaults)
 */
public record Binding(String name, ModelEntry entry, ModelRequirement requirement) {
    Binding with(ModelRequirement merged) {
        return new Binding(name, entry, merged);
    }
}
