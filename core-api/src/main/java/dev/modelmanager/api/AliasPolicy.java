package dev.modelmanager.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an alias moves between candidate models on its own (the seed documents' auto-switch): while its target fails
 * ({@code FAILED}, {@code WAITING_FOR_PROVIDER}) or its success rate over the last {@code window} falls below
 * {@code threshold} (with at least {@code minCalls} calls in it), the alias moves to the first healthy candidate in
 * order, without downtime (the candidate is loaded before the alias flips); with {@code switchBack}, it returns to
 * an earlier candidate once that one has been healthy for a whole window. Each move is an {@code ALIAS_CHANGED}
 * event with its reason.
 *
 * @param candidates the model ids, most preferred first
 * @param threshold  the least success rate, in (0, 1] (default 0.7)
 * @param window     the sliding window the rate is taken over (default 60 s, at least 1 s)
 * @param minCalls   calls a window needs before its rate counts (default 5)
 * @param switchBack whether to return to an earlier candidate when it recovers (default true)
 */
public record AliasPolicy(List<String> candidates, double threshold, Duration window, int minCalls,
                          boolean switchBack) {
    public static final double DEFAULT_THRESHOLD = 0.7;
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    public static final int DEFAULT_MIN_CALLS = 5;

    /**
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} naming the field
     */
    public AliasPolicy {
        if (candidates == null || candidates.isEmpty()) {
            throw ModelException.invalidInput(null, "candidates", "at least one model id is needed");
        }
        if (new LinkedHashSet<>(candidates).size() != candidates.size()) {
            throw ModelException.invalidInput(null, "candidates", "a model id is listed twice: " + candidates);
        }
        for (String id : candidates) {
            ModelIds.check("candidates", id);
        }
        candidates = List.copyOf(candidates);
        if (!(threshold > 0 && threshold <= 1)) {
            throw ModelException.invalidInput(null, "threshold", "must be in (0, 1], was " + threshold);
        }
        if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw ModelException.invalidInput(null, "window_seconds", "must be at least 1 second, was " + window);
        }
        window = Duration.ofSeconds(window.toSeconds() + (window.toNanosPart() > 0 ? 1 : 0)); // whole seconds
        if (minCalls < 1) {
            throw ModelException.invalidInput(null, "min_calls", "must be at least 1, was " + minCalls);
        }
    }

    /** These candidates with the default threshold, window and minimum calls, switching back. */
    public static AliasPolicy of(String... candidates) {
        return new AliasPolicy(List.of(candidates), DEFAULT_THRESHOLD, DEFAULT_WINDOW, DEFAULT_MIN_CALLS, true);
    }

    /** The policy as flat properties ({@code candidates}, {@code threshold}, {@code window_seconds}, ...). */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("candidates", String.join(",", candidates));
        p.put("threshold", Double.toString(threshold));
        p.put("window_seconds", Long.toString(window.toSeconds()));
        p.put("min_calls", Integer.toString(minCalls));
        p.put("switch_back", Boolean.toString(switchBack));
        return p;
    }

    /**
     * Reads {@link #toProperties()}'s keys (a configuration, a saved state); missing ones take their defaults.
     *
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} naming the key
     */
    public static AliasPolicy parse(Map<String, ?> properties) {
        Object list = properties.get("candidates");
        List<String> candidates = list instanceof String[] array ? List.of(array)
            : list instanceof java.util.Collection<?> c ? c.stream().map(String::valueOf).toList()
            : list == null ? List.of()
            : java.util.Arrays.stream(String.valueOf(list).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
        return new AliasPolicy(candidates,
            number(properties, "threshold", DEFAULT_THRESHOLD),
            Duration.ofSeconds((long) number(properties, "window_seconds", DEFAULT_WINDOW.toSeconds())),
            (int) number(properties, "min_calls", DEFAULT_MIN_CALLS),
            properties.get("switch_back") == null
                || !"false".equalsIgnoreCase(String.valueOf(properties.get("switch_back")).strip()));
    }

    private static double number(Map<String, ?> properties, String key, double fallback) {
        Object v = properties.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(String.valueOf(v).strip().toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw ModelException.invalidInput(null, key, "must be a number, was " + v);
        }
    }
}
