package dev.modelmanager.core.internal;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelIds;

/** What model ids and requester ids may look like: the id rule is the API's ({@link ModelIds}). */
final class Ids {
    private Ids() {
    }

    static void checkModelId(String modelId) {
        ModelIds.check("model_id", modelId);
    }

    static void checkRequester(String requesterId) {
        if (requesterId == null || requesterId.isBlank()) {
            throw ModelException.invalidRequirement("requester_id", "must not be empty");
        }
    }
}
