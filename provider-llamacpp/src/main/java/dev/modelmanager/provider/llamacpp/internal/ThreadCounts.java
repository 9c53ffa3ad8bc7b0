package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.api.ModelRequirement;

/**
 * The CPU threads a model runs with: {@code decode} for a step of one token (one stream generating), {@code batch}
 * for a step of more (a prompt, or several streams at once), llama.cpp's {@code n_threads} and
 * {@code n_threads_batch}. From the requirement's options, else the provider's settings; {@code batch} follows
 * {@code decode} when neither names it, as in llama.cpp.
 */
record ThreadCounts(int decode, int batch) {

    static ThreadCounts of(ModelRequirement requirement, LlamaCppSettings settings) {
        int decode = RequirementOptions.wholeNumber(requirement, "n_threads", settings.effectiveThreads(), 1);
        int batch = RequirementOptions.wholeNumber(requirement, "n_threads_batch",
            settings.threadsBatch() > 0 ? settings.threadsBatch() : decode, 1);
        return new ThreadCounts(decode, batch);
    }

    /** As {@code model:info} shows it. */
    String describe() {
        return decode == batch ? Integer.toString(decode) : decode + " (one token a step), " + batch + " (batches)";
    }
}
