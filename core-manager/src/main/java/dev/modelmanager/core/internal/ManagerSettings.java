package dev.modelmanager.core.internal;

import java.time.Duration;

/**
 * The manager's settings as values, read from {@link ManagerConfig} or built directly in tests.
 *
 * @param idleTimeout          grace period between the last release and the unload
 * @param loadTimeout          how long a call waits for a load
 * @param workerConcurrency    calls one loaded instance runs at once
 * @param providerDrainTimeout how long a leaving provider's running calls may take
 * @param unloadDrainTimeout   how long an unloading model's running calls may take
 * @param streamStallTimeout   how long a stream waits for demand
 */
public record ManagerSettings(Duration idleTimeout, Duration loadTimeout, int workerConcurrency,
                              Duration providerDrainTimeout, Duration unloadDrainTimeout,
                              Duration streamStallTimeout) {

    public static final ManagerSettings DEFAULTS = new ManagerSettings(Duration.ofMinutes(5), Duration.ofMinutes(10),
        4, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5));

    public ManagerSettings {
        requireNonNegative("idle_timeout", idleTimeout);
        requireNonNegative("load_timeout", loadTimeout);
        requireNonNegative("provider_drain_timeout", providerDrainTimeout);
        requireNonNegative("unload_drain_timeout", unloadDrainTimeout);
        requireNonNegative("stream_stall_timeout", streamStallTimeout);
        if (workerConcurrency < 1) {
            throw new IllegalArgumentException("worker_concurrency must be >= 1, was " + workerConcurrency);
        }
    }

    static ManagerSettings from(ManagerConfig config) {
        return new ManagerSettings(
            Duration.ofSeconds(config.idle_timeout_seconds()),
            Duration.ofSeconds(config.load_timeout_seconds()),
            config.worker_concurrency(),
            Duration.ofMillis(config.provider_drain_timeout_ms()),
            Duration.ofSeconds(config.unload_drain_timeout_seconds()),
            Duration.ofSeconds(config.stream_stall_timeout_seconds()));
    }

    public ManagerSettings withIdleTimeout(Duration value) {
        return new ManagerSettings(value, loadTimeout, workerConcurrency, providerDrainTimeout, unloadDrainTimeout,
            streamStallTimeout);
    }

    public ManagerSettings withLoadTimeout(Duration value) {
        return new ManagerSettings(idleTimeout, value, workerConcurrency, providerDrainTimeout, unloadDrainTimeout,
            streamStallTimeout);
    }

    public ManagerSettings withProviderDrainTimeout(Duration value) {
        return new ManagerSettings(idleTimeout, loadTimeout, workerConcurrency, value, unloadDrainTimeout,
            streamStallTimeout);
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
