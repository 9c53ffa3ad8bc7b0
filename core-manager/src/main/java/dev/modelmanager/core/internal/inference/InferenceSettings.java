package dev.modelmanager.core.internal.inference;

import java.time.Duration;

/** What the inference calls are configured with (the manager's settings provide it). */
public interface InferenceSettings {
    /** How long a call waits for its model to load. */
    Duration loadTimeout();

    /** Whether concurrent calls on texts to one model are coalesced into batches. */
    boolean microBatching();

    /** How long texts may wait for company while a slot is free (0: not at all). */
    Duration batchDelay();

    /** How long a stream waits for its subscriber's demand. */
    Duration streamStallTimeout();

    /** What one call may ask of a model. */
    CallLimits limits();
}
