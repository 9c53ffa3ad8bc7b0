package dev.modelmanager.api;

import java.util.List;

/**
 * What one model has served since it was first registered (kept across restarts when the manager persists its
 * state): calls, failures, items and tokens, and the latency of calls as a histogram over
 * {@link #LATENCY_BOUNDS_SECONDS}, from which percentiles are estimated.
 *
 * @param requests        calls answered, successful, failed or cancelled
 * @param failures        calls that failed
 * @param cancelled       calls their callers cancelled (or abandoned) before the answer: neither successes nor
 *                        failures
 * @param items           texts embedded, classified or transformed (a generation counts one)
 * @param promptTokens    prompt tokens of generation calls
 * @param generatedTokens tokens generated
 * @param latencySeconds  the sum of all call latencies, seconds
 * @param latencyBuckets  for each bound of {@link #LATENCY_BOUNDS_SECONDS}, the calls that took at most that long
 *                        (cumulative, as Prometheus histograms count); the last bucket is {@code +Inf}, i.e.
 *                        {@code requests}
 */
public record ModelStats(long requests, long failures, long cancelled, long items, long promptTokens, long generatedTokens,
                         double latencySeconds, List<Long> latencyBuckets) {

    /** Upper bounds of the latency buckets, seconds; a last, implicit bucket holds everything. */
    public static final List<Double> LATENCY_BOUNDS_SECONDS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0);

    public static final ModelStats EMPTY = new ModelStats(0, 0, 0, 0, 0, 0, 0,
        java.util.Collections.nCopies(LATENCY_BOUNDS_SECONDS.size() + 1, 0L));

    public ModelStats {
        latencyBuckets = List.copyOf(latencyBuckets);
        if (latencyBuckets.size() != LATENCY_BOUNDS_SECONDS.size() + 1) {
            throw new IllegalArgumentException("latencyBuckets needs " + (LATENCY_BOUNDS_SECONDS.size() + 1)
                + " counts, got " + latencyBuckets.size());
        }
    }

    /** Successful calls over the calls that were not cancelled; 1 when there were none. */
    public double successRate() {
        long answered = requests - cancelled;
        return answered <= 0 ? 1 : (double) (answered - failures) / answered;
    }

    /** Mean call latency in seconds; 0 when there were no calls. */
    public double meanLatencySeconds() {
        return requests == 0 ? 0 : latencySeconds / requests;
    }

    /**
     * The latency below which a fraction {@code q} of calls fell, estimated from the histogram by linear
     * interpolation inside the bucket that holds it (as Prometheus' {@code histogram_quantile} does); 0 when there
     * were no calls. Calls slower than the last bound are reported at that bound.
     */
    public double latencyQuantileSeconds(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q must be within [0, 1], was " + q);
        }
        long total = latencyBuckets.get(latencyBuckets.size() - 1);
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        double lower = 0;
        long below = 0;
        for (int i = 0; i < LATENCY_BOUNDS_SECONDS.size(); i++) {
            double upper = LATENCY_BOUNDS_SECONDS.get(i);
            long count = latencyBuckets.get(i);
            if (count >= rank && count > below) {
                return lower + (upper - lower) * (rank - below) / (count - below);
            }
            lower = upper;
            below = count;
        }
        return LATENCY_BOUNDS_SECONDS.get(LATENCY_BOUNDS_SECONDS.size() - 1);
    }

    /** These statistics with {@code other}'s added (for totals over models). */
    public ModelStats plus(ModelStats other) {
        List<Long> buckets = new java.util.ArrayList<>(latencyBuckets.size());
        for (int i = 0; i < latencyBuckets.size(); i++) {
            buckets.add(latencyBuckets.get(i) + other.latencyBuckets.get(i));
        }
        return new ModelStats(requests + other.requests, failures + other.failures, cancelled + other.cancelled,
            items + other.items,
            promptTokens + other.promptTokens, generatedTokens + other.generatedTokens,
            latencySeconds + other.latencySeconds, buckets);
    }
}
