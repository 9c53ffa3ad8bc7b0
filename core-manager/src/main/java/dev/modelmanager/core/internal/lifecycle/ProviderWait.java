package dev.modelmanager.core.internal.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.core.internal.exec.WorkerPool;

/**
 * Calls to a model whose provider just left, waiting for a provider to come back: a provider bundle being updated
 * (or restarted) leaves and returns within seconds, and its callers should see a slower answer, not a failure. For
 * {@code provider.wait.seconds} after the provider left, calls (and a load that found no provider) share one future
 * that a returning provider's load completes; after that window, or for a model no provider ever served, they fail
 * with {@code NO_PROVIDER} at once. Each caller's own wait is still bounded by its load timeout. Guarded by the
 * entry's lock (the timer and the futures run as effects, after it).
 */
final class ProviderWait {
    private final EntryLifecycle life;
    /** When the provider serving the model left ({@link System#nanoTime()}), or 0. */
    private long leftAt;
    private CompletableFuture<WorkerPool> waiting;

    ProviderWait(EntryLifecycle life) {
        this.life = life;
    }

    /** The provider serving the model left now. */
    void leftLocked() {
        leftAt = System.nanoTime();
        if (leftAt == 0) {
            leftAt = 1;
        }
    }

    /** A provider serves the model again. */
    void servedLocked() {
        leftAt = 0;
    }

    private long remainingNanos() {
        if (leftAt == 0) {
            return 0;
        }
        Duration window = life.ctx.settings().providerWait();
        return window.toNanos() - (System.nanoTime() - leftAt);
    }

    /** The future calls wait on while the window is open, or {@code null} (fail now). */
    CompletableFuture<WorkerPool> awaitLocked(Effects effects) {
        long left = remainingNanos();
        if (left <= 0) {
            return null;
        }
        if (waiting == null) {
            CompletableFuture<WorkerPool> created = new CompletableFuture<>();
            waiting = created;
            effects.add(() -> life.ctx.timer().schedule(() -> expire(created), left, TimeUnit.NANOSECONDS));
        }
        return waiting;
    }

    /**
     * A load found no provider: while the window is open its callers wait with the others instead of failing;
     * {@code false} when they must fail now.
     */
    boolean parkLocked(CompletableFuture<WorkerPool> load, Effects effects) {
        CompletableFuture<WorkerPool> shared = awaitLocked(effects);
        if (shared == null) {
            return false;
        }
        effects.add(() -> relay(shared, load));
        return true;
    }

    /** A provider arrived and the model loads on it: the waiting calls get that load. */
    void arrivedLocked(CompletableFuture<WorkerPool> load, Effects effects) {
        CompletableFuture<WorkerPool> shared = waiting;
        waiting = null;
        if (shared != null) {
            effects.add(() -> relay(load, shared));
        }
    }

    /** Completes {@code to} as {@code from} completes. */
    private static void relay(CompletableFuture<WorkerPool> from, CompletableFuture<WorkerPool> to) {
        from.whenComplete((pool, error) -> {
            if (error != null) {
                to.completeExceptionally(error);
            } else {
                to.complete(pool);
            }
        });
    }

    /** Whether calls wait for a provider (a returning one must load the model for them). */
    boolean hasWaitersLocked() {
        return waiting != null;
    }

    private void expire(CompletableFuture<WorkerPool> created) {
        life.step(effects -> {
            if (waiting != created) {
                return;
            }
            waiting = null;
            String reason = life.state.reason();
            effects.fail(created, new ModelException(ErrorCode.NO_PROVIDER, life.id, (reason == null
                ? "no provider can serve it" : reason) + " (waited " + life.ctx.settings().providerWait().toSeconds()
                + " s, provider.wait.seconds, for one to come back)"));
        });
    }
}
