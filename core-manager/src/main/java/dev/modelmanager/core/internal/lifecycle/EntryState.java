package dev.modelmanager.core.internal.lifecycle;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * An immutable snapshot of one model's lifecycle, published through a volatile field so that calls read it
 * without locking.
 *
 * @param status          where the model is
 * @param reason          why it failed or waits, or {@code null}
 * @param pool            the loaded worker pool, or {@code null}
 * @param ready           a completed future of {@code pool} (handed to callers as is), or {@code null}
 * @param provider        the provider serving it or chosen for it, or {@code null}
 * @param deviceNote      why it runs on another device than asked, or {@code null}
 * @param loadedAt        when it finished loading, or {@code null}
 * @param estimatedMemory the provider's estimate, or -1
 */
public record EntryState(ModelStatus status, String reason, WorkerPool pool, CompletableFuture<WorkerPool> ready,
                         ProviderRegistry.Bound provider, String deviceNote, Instant loadedAt, long estimatedMemory) {

    static EntryState of(ModelStatus status, String reason) {
        return new EntryState(status, reason, null, null, null, null, null, -1);
    }

    static EntryState loaded(WorkerPool pool, ProviderRegistry.Bound provider, String deviceNote, long estimatedMemory) {
        return new EntryState(ModelStatus.LOADED, null, pool, CompletableFuture.completedFuture(pool), provider,
            deviceNote, Instant.now(), estimatedMemory);
    }

    /** The same provider and device facts, another status, no pool. */
    EntryState with(ModelStatus newStatus, String newReason) {
        return new EntryState(newStatus, newReason, null, null, provider, deviceNote, null, estimatedMemory);
    }
}
