package dev.modelmanager.core.internal.provider;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.core.internal.exec.Instance;

/**
 * Calls into provider code that may hang (assessing a requirement, listing its files, estimating its memory,
 * closing an instance), each on a thread of its own with a time limit: a provider that does not answer in time is
 * reported with a reason, and the manager carries on. The thread stays with the provider until it returns (native
 * code cannot be interrupted safely); whatever it returns late is dropped, a late close still gives the memory back.
 */
public final class ProviderCalls {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderCalls.class);

    private final ExecutorService executor;
    private final Supplier<Duration> timeout;

    /**
     * @param executor runs the calls (a cached pool: a stuck call must not hold others up)
     * @param timeout  how long a call may take
     */
    public ProviderCalls(ExecutorService executor, Supplier<Duration> timeout) {
        this.executor = executor;
        this.timeout = timeout;
    }

    /**
     * Runs {@code call} and waits for it, at most the timeout.
     *
     * @param what what is asked, for the message ("assess model x")
     * @throws ModelException {@code TIMEOUT} naming the provider, what was asked and the limit; or what it threw
     *                        (a {@link ModelException} as it is, anything else as {@code cause} of
     *                        {@code LOAD_FAILED})
     */
    public <T> T call(String provider, String what, Callable<T> call) throws Exception {
        Duration limit = timeout.get();
        Future<T> future;
        try {
            future = executor.submit(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return call.call(); // stopping: answer on this thread
        }
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ModelException(ErrorCode.TIMEOUT, null, "provider '" + provider + "' did not " + what
                + " within " + describe(limit) + " (provider.call.timeout.seconds)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new ModelException(ErrorCode.LOAD_FAILED, null, "provider '" + provider + "' failed to " + what
                + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, null, "interrupted while provider '" + provider + "' was "
                + "asked to " + what, e);
        }
    }

    /**
     * Closes an instance's model, waiting at most the timeout; the instance's memory goes back once the close
     * returned, however late.
     */
    public void close(Instance instance) {
        Runnable close = instance::close;
        Duration limit = timeout.get();
        Future<?> future;
        try {
            future = executor.submit(close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            close.run();
            return;
        }
        try {
            future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Closing instance {} has taken more than {} (provider.call.timeout.seconds); carrying on, its "
                + "memory stays reserved until the provider returns", instance.id(), describe(limit));
        } catch (ExecutionException e) {
            LOG.warn("Closing instance {} failed", instance.id(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }
}
