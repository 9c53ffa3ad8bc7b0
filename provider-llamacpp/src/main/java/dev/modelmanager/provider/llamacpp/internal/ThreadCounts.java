package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;

/**
 * The CPU threads a model runs with: {@code decode} for a step of one token (one stream generating), {@code batch}
 * for a step of more (a prompt, or several streams at once), llama.cpp's {@code n_threads} and
 * {@code n_threads_batch}. From the requirement's options, else the provider's settings; {@code batch} follows
 * {@code decode} when neither names it, as in llama.cpp.
 */
record ThreadCounts(int decode, int batch) {

    static ThreadCounts of(ModelRequirement requirement, LlamaCppSettings settings) {
        int decode = option(requirement, "n_threads", settings.effectiveThreads());
        int batch = option(requirement, "n_threads_batch", settings.threadsBatch() > 0 ? settings.threadsBatch() : decode);
        return new ThreadCounts(decode, batch);
    }

    /** As {@code model:info} shows it. */
    String describe() {
        return decode == batch ? Integer.toString(decode) : decode + " (one token a step), " + batch + " (batches)";
    }

    private static int option(ModelRequirement requirement, String key, int fallback) {
        String value = requirement.options().get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int threads = Integer.parseInt(value.strip());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ModelException(ErrorCode.INVALID_REQUIREMENT, null, "options." + key,
            "options." + key + ": must be a whole number >= 1, was " + value, null);
    }
}
