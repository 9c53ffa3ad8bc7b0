package dev.modelmanager.core.internal.persist;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.modelmanager.core.internal.exec.DaemonThreads;

/**
 * The one thread that writes the state file. A change asks for a write and gets a future that completes once a write
 * that started after the request reached the disk; requests that arrive while a write is queued share it, so a burst
 * of changes costs at most two writes. Nobody else ever waits on the disk, and no lock is held while it is written.
 */
final class StateWriter implements AutoCloseable {
    private final ScheduledExecutorService thread;
    private final Runnable write;
    private final Object lock = new Object();
    private CompletableFuture<Void> pending; // guarded by lock: the next write, queued but not started

    /**
     * @param write takes the snapshot and writes it (throws on failure)
     */
    StateWriter(Runnable write) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("modelmanager-state"));
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
        this.write = write;
    }

    /** Asks for a write; completes once one that started after this request is on disk (or failed). */
    CompletableFuture<Void> request() {
        synchronized (lock) {
            if (pending == null) {
                pending = new CompletableFuture<>();
                try {
                    thread.execute(this::run);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    CompletableFuture<Void> closed = pending;
                    pending = null;
                    closed.completeExceptionally(e);
                    return closed;
                }
            }
            return pending;
        }
    }

    /** Runs {@code task} on the writer's thread every {@code periodMillis}. */
    void every(long periodMillis, Runnable task) {
        thread.scheduleWithFixedDelay(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void run() {
        CompletableFuture<Void> done;
        synchronized (lock) {
            done = pending;
            pending = null;
        }
        try {
            write.run();
            done.complete(null);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    /** Finishes what was asked, then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
