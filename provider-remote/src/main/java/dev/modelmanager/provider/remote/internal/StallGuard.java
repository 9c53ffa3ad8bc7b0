package dev.modelmanager.provider.remote.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes response bodies that stay silent too long: a server that stops sending half way must not hold a call (and
 * its worker) forever. One daemon thread checks every guarded stream four times a second.
 */
final class StallGuard {
    private static final ScheduledExecutorService CHECKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modelmanager-remote-stall-guard");
        t.setDaemon(true);
        return t;
    });
    private static final Set<Guarded> STREAMS = ConcurrentHashMap.newKeySet();

    static {
        CHECKER.scheduleWithFixedDelay(StallGuard::check, 250, 250, TimeUnit.MILLISECONDS);
    }

    private StallGuard() {
    }

    /** A stream that is closed when nothing arrives for {@code timeout}; reads then fail and say so. */
    static Guarded guard(InputStream in, Duration timeout) {
        Guarded g = new Guarded(in, timeout.toNanos());
        STREAMS.add(g);
        return g;
    }

    private static void check() {
        long now = System.nanoTime();
        for (Guarded g : STREAMS) {
            if (now - g.lastActivity > g.timeoutNanos) {
                g.stalled = true;
                STREAMS.remove(g);
                try {
                    g.in().close();
                } catch (IOException | RuntimeException e) {
                    // closing is all we wanted
                }
            }
        }
    }

    static final class Guarded extends FilterInputStream {
        private final long timeoutNanos;
        private volatile long lastActivity = System.nanoTime();
        private volatile boolean stalled;

        Guarded(InputStream in, long timeoutNanos) {
            super(in);
            this.timeoutNanos = timeoutNanos;
        }

        InputStream in() {
            return in;
        }

        boolean stalled() {
            return stalled;
        }

        @Override
        public int read() throws IOException {
            int b = checked(super.read());
            lastActivity = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = checked(super.read(b, off, len));
            lastActivity = System.nanoTime();
            return n;
        }

        private int checked(int value) throws IOException {
            if (stalled) {
                throw new IOException("stalled");
            }
            return value;
        }

        @Override
        public void close() throws IOException {
            STREAMS.remove(this);
            super.close();
        }
    }
}
