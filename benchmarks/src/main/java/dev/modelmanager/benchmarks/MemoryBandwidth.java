package dev.modelmanager.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Read bandwidth of this machine's memory, measured the way a decode step uses it: threads each stream through a
 * slice of a buffer larger than the caches ({@link #bufferBytes()}), summing it. The best of several passes, in GB/s (10^9 bytes).
 */
final class MemoryBandwidth {
    private static volatile long sink;

    private MemoryBandwidth() {
    }

    /**
     * A buffer size that no cache holds: twice the largest cache Linux reports for CPU 0 (caches of 480 MiB exist),
     * at least 512 MiB.
     */
    static long bufferBytes() {
        return Math.max(512L << 20, 2 * largestCacheBytes());
    }

    /** The largest cache in {@code /sys/devices/system/cpu/cpu0/cache}, 0 when it does not say. */
    static long largestCacheBytes() {
        long largest = 0;
        try (Stream<Path> caches = Files.list(Path.of("/sys/devices/system/cpu/cpu0/cache"))) {
            for (Path cache : caches.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                String size = Files.readString(cache.resolve("size")).trim().toUpperCase(Locale.ROOT);
                long unit = size.endsWith("K") ? 1L << 10 : size.endsWith("M") ? 1L << 20 : size.endsWith("G") ? 1L << 30 : 1;
                largest = Math.max(largest, Long.parseLong(size.replaceAll("[^0-9]", "")) * unit);
            }
        } catch (IOException | RuntimeException e) {
            return largest; // not Linux, or a layout it does not have: the minimum size then
        }
        return largest;
    }

    /** GB/s of {@code threads} threads reading {@code bytes} in all, best of {@code passes}. */
    static double measure(int threads, long bytes, int passes) throws Exception {
        int perThread = (int) Math.min(Integer.MAX_VALUE - 8, bytes / 8 / threads / 4 * 4);
        List<long[]> slices = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[] slice = new long[perThread];
            for (int i = 0; i < slice.length; i++) {
                slice[i] = i; // written, so that every page is backed (never the shared zero page)
            }
            slices.add(slice);
        }
        long[] warm = new long[1 << 12];
        for (int i = 0; i < 20_000; i++) {
            sink += sum(warm); // compiled before it is measured
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            for (int pass = 0; pass < passes; pass++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Long>> sums = new ArrayList<>();
                for (long[] slice : slices) {
                    sums.add(pool.submit(() -> {
                        start.await();
                        return sum(slice);
                    }));
                }
                Thread.sleep(20); // every reader waiting at the latch
                long began = System.nanoTime();
                start.countDown();
                long total = 0;
                for (Future<Long> sum : sums) {
                    total += sum.get();
                }
                double seconds = (System.nanoTime() - began) / 1e9;
                sink += total;
                best = Math.max(best, 8.0 * perThread * threads / seconds / 1e9);
            }
            return best;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Four independent sums, so that the loop waits on memory rather than on one chain of additions. */
    private static long sum(long[] values) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        for (int i = 0; i < values.length; i += 4) {
            a += values[i];
            b += values[i + 1];
            c += values[i + 2];
            d += values[i + 3];
        }
        return a + b + c + d;
    }
}
