package dev.modelmanager.core.internal.lifecycle;

import java.time.Duration;

import dev.modelmanager.core.internal.cache.CacheSettings;

/** What the lifecycle of models is configured with (the manager's settings provide it). */
public interface LifecycleSettings {
    /** Grace period between the last release and the unload; also how long extra pool instances may idle. */
    Duration idleTimeout();

    /** How long a load may take, provider and download included, before it fails with {@code TIMEOUT}. */
    Duration loadTimeout();

    /** How long a leaving provider's running calls may take. */
    Duration providerDrainTimeout();

    /** How long calls to a model whose provider left wait for a provider to come back. */
    Duration providerWait();

    /** How long an unloading model's running calls may take. */
    Duration unloadDrainTimeout();

    /** How long a provider may take to answer a question or to close an instance. */
    Duration providerCallTimeout();

    CacheSettings cache();

    /** Calls one loaded instance runs at once. */
    int workerConcurrency();

    /** Calls that may wait for a slot beyond those running. */
    int queueCapacity();

    /** How long a call may wait for a slot (0: no limit). */
    Duration queueTimeout();

    /** Most instances per model. */
    int maxWorkers();

    /** Instances take calls in turn instead of the least busy first. */
    boolean roundRobin();
}
