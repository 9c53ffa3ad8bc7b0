package dev.modelmanager.core.internal.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.CommandSession;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelStatus;

/**
 * {@code model:load} while it waits: a live line in a terminal (a bar with bytes, rate and ETA while the files
 * download, the elapsed time while the provider loads), rewritten in place; elsewhere (a script, {@code -c}) a line
 * every few seconds. Ctrl-C stops the wait, not the load.
 */
final class LoadProgress {
    private static final long TICK_MILLIS = 250;
    private static final long PLAIN_EVERY_MILLIS = 5000;
    private static final int BAR = 24;

    private LoadProgress() {
    }

    static ModelInfo await(ModelManager manager, CommandSession session, String modelId, Duration timeout)
        throws InterruptedException {
        CompletableFuture<ModelInfo> load = manager.loadAsync(modelId).toCompletableFuture();
        PrintStream out = session == null ? null : session.getConsole();
        boolean terminal = session != null && session.get(".jline.terminal") != null;
        long start = System.nanoTime();
        long lastPlain = start;
        int shown = 0;
        try {
            while (true) {
                try {
                    return load.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillLoading) {
                    long elapsed = (System.nanoTime() - start) / 1_000_000;
                    if (elapsed > timeout.toMillis()) {
                        throw new ModelException(ErrorCode.TIMEOUT, modelId, "not loaded within " + timeout.toSeconds()
                            + " s (it goes on loading; model:info shows how far)");
                    }
                    if (out == null) {
                        continue;
                    }
                    String line = line(manager.info(modelId), elapsed);
                    if (terminal) {
                        out.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
                        shown = line.length();
                        out.flush();
                    } else if (System.nanoTime() - lastPlain >= PLAIN_EVERY_MILLIS * 1_000_000) {
                        lastPlain = System.nanoTime();
                        out.println(line);
                    }
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C stops the waiting, not the load: one line saying so, not an exception's class name.
            throw new ShellError("stopped waiting; " + modelId + " goes on loading (model:info " + modelId
                + " shows how far)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw ShellError.of(e.getCause());
        } finally {
            if (terminal && shown > 0) {
                out.print("\r" + " ".repeat(shown) + "\r");
                out.flush();
            }
        }
    }

    /** One line: {@code downloading [########----------------] 34% 9.1 of 26.8 MiB, 3.2 MiB/s, ETA 6 s}. */
    static String line(ModelInfo m, long elapsedMillis) {
        String elapsed = String.format(Locale.ROOT, "%.0f s", elapsedMillis / 1000.0);
        if (m.status() == ModelStatus.DOWNLOADING) {
            long bytes = m.detailNumber("download.bytes");
            long total = m.detailNumber("download.total");
            long rate = m.detailNumber("download.rate");
            long eta = m.detailNumber("download.eta");
            StringBuilder line = new StringBuilder(m.modelId()).append(" downloading ");
            if (total > 0) {
                int filled = (int) Math.min(BAR, BAR * bytes / total);
                line.append('[').append("#".repeat(filled)).append("-".repeat(BAR - filled)).append("] ")
                    .append(100 * bytes / total).append("% ").append(mib(bytes)).append(" of ").append(mib(total))
                    .append(" MiB");
            } else {
                line.append(mib(Math.max(0, bytes))).append(" MiB");
            }
            line.append(", ").append(mib(Math.max(0, rate))).append(" MiB/s");
            if (eta >= 0) {
                line.append(", ETA ").append(eta).append(" s");
            }
            return line.toString();
        }
        return m.modelId() + " " + m.status().name().toLowerCase(Locale.ROOT) + " (" + elapsed + ")"
            + (m.provider() == null ? "" : " by " + m.provider());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
