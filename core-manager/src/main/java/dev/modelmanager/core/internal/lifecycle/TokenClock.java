package dev.modelmanager.core.internal.lifecycle;

/**
 * The token times of one generation, counted in its model's statistics as each token arrives: the first token's
 * delay since the call reached the manager (time queued and loading included), then every gap between two tokens.
 * A generation cut short (cancelled, failed) keeps the times of the tokens it produced. Called by the provider's
 * thread, one piece after the other (the sink's contract), so its two fields need no synchronisation.
 */
public final class TokenClock {
    private final CallStats stats;
    private final long startNanos;
    private long lastNanos;
    private boolean started;

    TokenClock(CallStats stats, long startNanos) {
        this.stats = stats;
        this.startNanos = startNanos;
    }

    /** One token reached the caller's sink now. */
    public void tick() {
        long now = System.nanoTime();
        if (started) {
            stats.interToken(now - lastNanos);
        } else {
            started = true;
            stats.firstToken(now - startNanos);
        }
        lastNanos = now;
    }
}
