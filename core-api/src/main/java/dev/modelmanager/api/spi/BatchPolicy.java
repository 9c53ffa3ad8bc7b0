package dev.modelmanager.api.spi;

/**
 * Whether the manager may merge different callers' texts into one call of an instance (micro-batching), as the
 * instance states it ({@link LoadedModel#batchPolicy()}). How the texts of one call are then run (one at a time,
 * or padded together) is the provider's business; this says whether merging is worth it and harmless.
 */
public enum BatchPolicy {
    /**
     * Merge: a text's result does not depend on what it runs with, and running texts together is faster (fp32
     * and fp16 transformer models with an attention mask). The manager coalesces callers' texts up to the
     * requirement's {@code batch_size}.
     */
    COMBINE,
    /**
     * Do not merge: each call goes to the instance on its own, as many at once as the instance's slots allow
     * (say, dynamically quantized models, where padding texts together changes their vectors, and that therefore
     * run every text alone).
     */
    PER_CALL
}
