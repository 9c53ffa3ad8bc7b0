package dev.modelmanager.rest.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Waits for a model call on behalf of an HTTP request and cancels it when the client goes away, so that a
 * non-streamed generation nobody waits for stops at its next token instead of running to its end (a streamed one
 * is watched the same way until its first chunk, and stops at the first write that fails after that).
 *
 * <p>Neither the servlet API nor Jetty 12 notices that the peer closed the connection while a request is handled
 * and nothing reads from it. So, on Jetty over HTTP/1.x, the connection is read while the call runs, every
 * {@link #PROBE_MILLIS} ms, without blocking: end of stream or a reset means the client is gone. Nothing else can
 * arrive there: the calls waited for are POSTs, behind which a client must not pipeline (RFC 9112 §9.3.2); should
 * bytes come anyway, the connection is closed after the answer rather than misread. Probing stops before the
 * answer is written. On other containers or protocols the call runs to its end (Jetty is imported optionally).
 */
final class ClientGone {
    private static final Logger LOG = LoggerFactory.getLogger(ClientGone.class);
    static final long PROBE_MILLIS = 200;
    private static final boolean JETTY = jettyPresent();
    private static final ScheduledExecutorService PROBES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modelmanager-rest-client-probe");
        t.setDaemon(true);
        return t;
    });

    private ClientGone() {
    }

    /** Watches one request's connection. */
    private interface Watch {
        /** Stops watching (before the answer is written); whether the connection must close after the answer. */
        boolean stop();
    }

    /**
     * The call's result, waiting on this thread; a client that disconnects first cancels the call (and gets no
     * answer: there is no one to send it to).
     */
    static <R> R await(HttpServletRequest request, HttpServletResponse response, CompletableFuture<R> call) {
        java.util.function.BooleanSupplier watch = watch(request, () -> call.cancel(true));
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new ModelException(ErrorCode.CANCELLED, null, "interrupted while waiting for the model");
        } catch (CancellationException e) {
            throw new ModelException(ErrorCode.CANCELLED, null, "the client went away; the call was cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ModelException m) {
                throw m;
            }
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } finally {
            if (watch.getAsBoolean()) {
                response.setHeader("Connection", "close");
            }
        }
    }

    /**
     * Watches the request's connection until the answer starts: {@code gone} runs once if the client disconnects
     * first. Answers what stops the watching, to call before the first byte of the answer is written: it says
     * whether the connection must close after the answer. Where the connection cannot be watched, it does nothing.
     */
    static java.util.function.BooleanSupplier watch(HttpServletRequest request, Runnable gone) {
        if (JETTY) {
            try {
                Watch watch = JettyProbe.watch(request, gone);
                if (watch != null) {
                    return watch::stop;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("cannot watch the connection of {}: {}", request.getRequestURI(), e.toString());
            }
        }
        return () -> false;
    }

    private static boolean jettyPresent() {
        try {
            ClassLoader loader = ClientGone.class.getClassLoader();
            Class.forName("org.eclipse.jetty.ee10.servlet.ServletContextRequest", false, loader);
            Class.forName("org.eclipse.jetty.io.EndPoint", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The Jetty-specific part, loaded only when Jetty's classes are there. */
    private static final class JettyProbe implements Watch, Runnable {
        private final org.eclipse.jetty.io.EndPoint endPoint;
        private final Runnable gone;
        private final java.nio.ByteBuffer buffer = org.eclipse.jetty.util.BufferUtil.allocate(64);
        private ScheduledFuture<?> task; // guarded by this
        private boolean stopped; // guarded by this
        private boolean unexpected; // guarded by this

        private JettyProbe(org.eclipse.jetty.io.EndPoint endPoint, Runnable gone) {
            this.endPoint = endPoint;
            this.gone = gone;
        }

        static Watch watch(HttpServletRequest request, Runnable gone) {
            org.eclipse.jetty.server.Request core =
                org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(request);
            if (core == null) {
                return null;
            }
            org.eclipse.jetty.http.HttpVersion version = core.getConnectionMetaData().getHttpVersion();
            if (version != org.eclipse.jetty.http.HttpVersion.HTTP_1_1
                && version != org.eclipse.jetty.http.HttpVersion.HTTP_1_0) {
                return null; // HTTP/2 and 3 multiplex streams on the connection: never read it here
            }
            JettyProbe probe = new JettyProbe(core.getConnectionMetaData().getConnection().getEndPoint(), gone);
            synchronized (probe) {
                probe.task = PROBES.scheduleWithFixedDelay(probe, PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
            }
            return probe;
        }

        @Override
        public void run() {
            boolean closed;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                try {
                    org.eclipse.jetty.util.BufferUtil.clear(buffer);
                    int n = endPoint.fill(buffer);
                    closed = n < 0;
                    if (n > 0) {
                        unexpected = true;
                    }
                } catch (java.io.IOException e) {
                    closed = true;
                }
                if (closed) {
                    stopped = true;
                    task.cancel(false);
                }
            }
            if (closed) {
                LOG.debug("client of a waiting call went away; cancelling it");
                gone.run();
            }
        }

        @Override
        public synchronized boolean stop() {
            stopped = true;
            if (task != null) {
                task.cancel(false);
            }
            return unexpected;
        }
    }
}
