package dev.modelmanager.core.internal;

import java.util.regex.Pattern;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;

/** What model ids and requester ids may look like. */
final class Ids {
    /** Letters, digits and {@code . _ - : / @}, starting with a letter or digit, at most 200 characters. */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}");

    private Ids() {
    }

    static void checkModelId(String modelId) {
        if (modelId == null || !MODEL_ID.matcher(modelId).matches()) {
            throw ModelException.invalidRequirement("model_id", "must be 1-200 letters, digits or . _ - : / @ "
                + "starting with a letter or digit, was " + (modelId == null ? "null" : "'" + modelId + "'"));
        }
        if (ModelManager.DEFAULT_MODEL.equals(modelId)) {
            throw ModelException.invalidRequirement("model_id", "'" + modelId + "' is reserved for the default route");
        }
    }

    static void checkRequester(String requesterId) {
        if (requesterId == null || requesterId.isBlank()) {
            throw ModelException.invalidRequirement("requester_id", "must not be empty");
        }
    }
}
