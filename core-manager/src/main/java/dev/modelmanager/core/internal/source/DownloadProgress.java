package dev.modelmanager.core.internal.source;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One file being downloaded: bytes so far, total, rate; logged every few seconds while it runs. */
public final class DownloadProgress {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadProgress.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String file;
    private final long total;
    private final long resumedFrom;
    private final long started = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastLog = started;

    DownloadProgress(String file, long total, long resumedFrom) {
        this.file = file;
        this.total = total;
        this.resumedFrom = resumedFrom;
        this.bytes.set(resumedFrom);
    }

    /** e.g. {@code ggml-org/models/tinyllamas/stories260K.gguf}. */
    public String file() {
        return file;
    }

    public long bytes() {
        return bytes.get();
    }

    /** Total size, or -1 when the Hub did not say. */
    public long total() {
        return total;
    }

    /** Bytes per second fetched in this run (resumed bytes do not count). */
    public double rate() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return seconds <= 0 ? 0 : (bytes.get() - resumedFrom) / seconds;
    }

    /** Seconds left at the current rate, or -1 when the total or the rate is unknown. */
    public long etaSeconds() {
        double rate = rate();
        long left = total - bytes.get();
        return total <= 0 || rate <= 0 ? -1 : (long) Math.ceil(Math.max(0, left) / rate);
    }

    void add(long n) {
        long now = System.nanoTime();
        bytes.addAndGet(n);
        if (now - lastLog >= LOG_INTERVAL_NANOS) {
            lastLog = now;
            LOG.info("Downloading {}: {}", file, this);
        }
    }

    @Override
    public String toString() {
        String done = mib(bytes.get());
        String of = total > 0 ? String.format(Locale.ROOT, "%.0f%% (%s of %s)", 100.0 * bytes.get() / total, done,
            mib(total)) : done;
        long eta = etaSeconds();
        return of + String.format(Locale.ROOT, ", %s/s", mib((long) rate())) + (eta < 0 ? "" : ", ETA " + eta + " s");
    }

    private static String mib(long n) {
        return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }
}
