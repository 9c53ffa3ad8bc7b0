package dev.modelmanager.core.internal.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One caller's texts in a {@link MicroBatcher}; completes once every text has its value, or with the first failure.
 */
public final class BatchRequest<V> {
    final List<String> texts;
    private final Object[] values;
    final CompletableFuture<List<MicroBatcher.Done<V>>> future = new CompletableFuture<>();
    private int remaining; // guarded by this
    /**
     * Texts of it taken into a batch, counted in {@link #order}; guarded by its {@link MicroBatcher}.
     */
    int started;
    /**
     * The order its texts are taken in: shortest first. A call of many texts is cut into batches of similar
     * lengths, so that the provider pads little within each ({@code null}: as given, one or two texts).
     */
    private final int[] order;
    volatile ScheduledFuture<?> expiry;

    BatchRequest(List<String> texts) {
        this.texts = texts;
        this.values = new Object[texts.size()];
        this.remaining = texts.size();
        this.order = texts.size() <= 2 ? null : byLength(texts);
    }

    private static int[] byLength(List<String> texts) {
        // Length in the upper bits, position in the lower: one sort of longs, ties in their given order.
        long[] keys = new long[texts.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (long) texts.get(i).length() << 32 | i;
        }
        java.util.Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** The index of the next text to take into a batch. */
    int next() {
        int k = started++;
        return order == null ? k : order[k];
    }

    /** Completes with one value per text, in order. */
    public CompletableFuture<List<MicroBatcher.Done<V>>> future() {
        return future;
    }

    @SuppressWarnings("unchecked")
    void set(int index, MicroBatcher.Done<V> done) {
        boolean last;
        synchronized (this) {
            values[index] = done;
            last = --remaining == 0;
        }
        if (last) {
            cancelExpiry();
            List<MicroBatcher.Done<V>> all = new ArrayList<>(values.length);
            for (Object v : values) {
                all.add((MicroBatcher.Done<V>) v);
            }
            future.complete(all);
        }
    }

    void fail(RuntimeException why) {
        cancelExpiry();
        future.completeExceptionally(why);
    }

    void cancelExpiry() {
        ScheduledFuture<?> e = expiry;
        if (e != null) {
            e.cancel(false);
        }
    }
}
