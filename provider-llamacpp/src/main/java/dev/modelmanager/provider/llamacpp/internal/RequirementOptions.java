package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;

/** Whole-number requirement options, read with a fallback; a bad value is a typed error naming the option. */
final class RequirementOptions {

    private RequirementOptions() {
    }

    /** The option as a whole number, or {@code fallback} when the requirement does not name it. */
    static int wholeNumber(ModelRequirement requirement, String key, int fallback) {
        return wholeNumber(requirement, key, fallback, Integer.MIN_VALUE);
    }

    /** As {@link #wholeNumber(ModelRequirement, String, int)}, and at least {@code min}. */
    static int wholeNumber(ModelRequirement requirement, String key, int fallback, int min) {
        String value = requirement.options().get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ModelException(ErrorCode.INVALID_REQUIREMENT, null, "options." + key, "options." + key
            + ": must be a whole number" + (min == Integer.MIN_VALUE ? "" : " >= " + min) + ", was " + value, null);
    }
}
