package dev.modelmanager.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one model has served since it was first registered (kept across restarts when the manager persists its
 * state): calls, failures, items and tokens, the latency of calls, and for generations the time to the first token
 * and between tokens, each as a histogram over its bounds, from which percentiles are estimated.
 *
 * <p>Time to first token (TTFT) runs from the moment a generation reaches the manager (so time queued for a worker
 * and a model's load count, as vLLM measures it) to its first token; inter-token latency (ITL) is every gap
 * between two consecutive tokens of one generation, streamed or not. Tokens of cancelled generations count.
 *
 * @param requests                 calls answered, successful, failed or cancelled
 * @param failures                 calls that failed
 * @param cancelled                calls their callers cancelled (or abandoned) before the answer: neither successes
 *                                 nor failures
 * @param items                    texts embedded, classified or transformed (a generation counts one)
 * @param promptTokens             tokens read: the prompts of generation calls, and embedded texts where the
 *                                 provider counts them (not those answered from the embedding cache)
 * @param generatedTokens          tokens generated
 * @param latencySeconds           the sum of all call latencies, seconds
 * @param latencyBuckets           for each bound of {@link #LATENCY_BOUNDS_SECONDS}, the calls that took at most that
 *                                 long (cumulative, as Prometheus histograms count); the last bucket is {@code +Inf},
 *                                 i.e. {@code requests}
 * @param timeToFirstTokenSeconds  the sum of all generations' times to first token, seconds
 * @param timeToFirstTokenBuckets  for each bound of {@link #TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS}, the generations
 *                                 whose first token came within it (cumulative); the last bucket is {@code +Inf}, the
 *                                 generations that produced a token. {@code null} (statistics saved before there were
 *                                 any) reads as empty
 * @param interTokenLatencySeconds the sum of all gaps between consecutive tokens, seconds
 * @param interTokenLatencyBuckets for each bound of {@link #INTER_TOKEN_LATENCY_BOUNDS_SECONDS}, the gaps at most that
 *                                 long (cumulative); the last bucket is {@code +Inf}, all gaps (a generation of
 *                                 {@code n} tokens has {@code n - 1}). {@code null} reads as empty
 */
public record ModelStats(long requests, long failures, long cancelled, long items, long promptTokens, long generatedTokens,
                         double latencySeconds, List<Long> latencyBuckets,
                         double timeToFirstTokenSeconds, List<Long> timeToFirstTokenBuckets,
                         double interTokenLatencySeconds, List<Long> interTokenLatencyBuckets) {

    /** Upper bounds of the latency buckets, seconds; a last, implicit bucket holds everything. */
    public static final List<Double> LATENCY_BOUNDS_SECONDS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0);

    /** Upper bounds of the time-to-first-token buckets, seconds; a last, implicit bucket holds everything. */
    public static final List<Double> TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS = List.of(0.005, 0.01, 0.025, 0.05, 0.075,
        0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 60.0);

    /** Upper bounds of the inter-token latency buckets, seconds; a last, implicit bucket holds everything. */
    public static final List<Double> INTER_TOKEN_LATENCY_BOUNDS_SECONDS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0);

    public static final ModelStats EMPTY = new ModelStats(0, 0, 0, 0, 0, 0, 0, empty(LATENCY_BOUNDS_SECONDS));

    public ModelStats {
        latencyBuckets = buckets("latencyBuckets", latencyBuckets, LATENCY_BOUNDS_SECONDS);
        timeToFirstTokenBuckets = timeToFirstTokenBuckets == null ? empty(TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS)
            : buckets("timeToFirstTokenBuckets", timeToFirstTokenBuckets, TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS);
        interTokenLatencyBuckets = interTokenLatencyBuckets == null ? empty(INTER_TOKEN_LATENCY_BOUNDS_SECONDS)
            : buckets("interTokenLatencyBuckets", interTokenLatencyBuckets, INTER_TOKEN_LATENCY_BOUNDS_SECONDS);
    }

    /** Statistics without token times (no generation produced a token). */
    public ModelStats(long requests, long failures, long cancelled, long items, long promptTokens, long generatedTokens,
                      double latencySeconds, List<Long> latencyBuckets) {
        this(requests, failures, cancelled, items, promptTokens, generatedTokens, latencySeconds, latencyBuckets,
            0, null, 0, null);
    }

    private static List<Long> empty(List<Double> bounds) {
        return Collections.nCopies(bounds.size() + 1, 0L);
    }

    private static List<Long> buckets(String name, List<Long> buckets, List<Double> bounds) {
        List<Long> copy = List.copyOf(buckets);
        if (copy.size() != bounds.size() + 1) {
            throw new IllegalArgumentException(name + " needs " + (bounds.size() + 1) + " counts, got " + copy.size());
        }
        return copy;
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
        return quantile(q, LATENCY_BOUNDS_SECONDS, latencyBuckets);
    }

    /** Generations that produced at least one token (each has one time to first token). */
    public long timeToFirstTokenCount() {
        return timeToFirstTokenBuckets.get(timeToFirstTokenBuckets.size() - 1);
    }

    /** Gaps between consecutive tokens measured, over all generations. */
    public long interTokenLatencyCount() {
        return interTokenLatencyBuckets.get(interTokenLatencyBuckets.size() - 1);
    }

    /**
     * The time to first token below which a fraction {@code q} of generations fell, estimated as
     * {@link #latencyQuantileSeconds} does; 0 when no generation produced a token.
     */
    public double timeToFirstTokenQuantileSeconds(double q) {
        return quantile(q, TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS, timeToFirstTokenBuckets);
    }

    /**
     * The gap between consecutive tokens below which a fraction {@code q} of gaps fell, estimated as
     * {@link #latencyQuantileSeconds} does; 0 when no generation produced two tokens.
     */
    public double interTokenLatencyQuantileSeconds(double q) {
        return quantile(q, INTER_TOKEN_LATENCY_BOUNDS_SECONDS, interTokenLatencyBuckets);
    }

    private static double quantile(double q, List<Double> bounds, List<Long> buckets) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q must be within [0, 1], was " + q);
        }
        long total = buckets.get(buckets.size() - 1);
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        double lower = 0;
        long below = 0;
        for (int i = 0; i < bounds.size(); i++) {
            double upper = bounds.get(i);
            long count = buckets.get(i);
            if (count >= rank && count > below) {
                return lower + (upper - lower) * (rank - below) / (count - below);
            }
            lower = upper;
            below = count;
        }
        return bounds.get(bounds.size() - 1);
    }

    /** These statistics with {@code other}'s added (for totals over models). */
    public ModelStats plus(ModelStats other) {
        return new ModelStats(requests + other.requests, failures + other.failures, cancelled + other.cancelled,
            items + other.items,
            promptTokens + other.promptTokens, generatedTokens + other.generatedTokens,
            latencySeconds + other.latencySeconds, sum(latencyBuckets, other.latencyBuckets),
            timeToFirstTokenSeconds + other.timeToFirstTokenSeconds,
            sum(timeToFirstTokenBuckets, other.timeToFirstTokenBuckets),
            interTokenLatencySeconds + other.interTokenLatencySeconds,
            sum(interTokenLatencyBuckets, other.interTokenLatencyBuckets));
    }

    private static List<Long> sum(List<Long> a, List<Long> b) {
        List<Long> buckets = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            buckets.add(a.get(i) + b.get(i));
        }
        return buckets;
    }
}
