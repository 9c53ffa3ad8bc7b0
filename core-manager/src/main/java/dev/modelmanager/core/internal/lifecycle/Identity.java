package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.modelmanager.api.DeviceSelector;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;

/**
 * What makes two requirements the same model, whatever ids they are registered under: its type, name and source,
 * the provider and device it is asked of, how long an input may be, and the provider options (what changes the
 * loaded weights or the outputs). Registrations with the same key share one loaded model. {@code dimension} and
 * {@code num_labels} are checks, not identity: unset agrees with any value.
 *
 * @see #incompatibilities
 */
record Identity(ModelType type, String name, ModelSource source, String provider, DeviceSelector device,
                Integer maxInputLength, Map<String, String> options) {

    static Identity of(ModelRequirement r) {
        return new Identity(r.modelType(), r.name(), r.source(), r.provider(), r.device(), r.maxInputLength(),
            r.options());
    }

    /**
     * The fields in which {@code wanted} cannot share the model {@code existing} was registered for: the identity's,
     * or a check that disagrees. Empty when they share.
     */
    static List<String> incompatibilities(ModelRequirement existing, ModelRequirement wanted) {
        List<String> fields = new ArrayList<>();
        Identity a = of(existing);
        Identity b = of(wanted);
        if (!a.equals(b)) {
            fields.addAll(existing.identityDifferences(wanted));
            fields.remove("dimension");
            fields.remove("num_labels");
        }
        if (existing.dimension() != null && wanted.dimension() != null
            && !Objects.equals(existing.dimension(), wanted.dimension())) {
            fields.add("dimension");
        }
        if (existing.numLabels() != null && wanted.numLabels() != null
            && !Objects.equals(existing.numLabels(), wanted.numLabels())) {
            fields.add("num_labels");
        }
        return fields;
    }
}
