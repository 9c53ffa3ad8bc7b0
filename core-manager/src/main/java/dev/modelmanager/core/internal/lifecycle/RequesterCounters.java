package dev.modelmanager.core.internal.lifecycle;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.modelmanager.api.RequesterUsage;

/**
 * One model's calls by requester, lock-free; at most {@link RequesterUsage#MAX_PER_MODEL} requesters have counters
 * of their own, the rest share {@link RequesterUsage#OTHER}.
 */
public final class RequesterCounters {
    private final Map<String, Counters> byRequester = new ConcurrentHashMap<>();

    /** The counts of one requester. */
    public record Counts(long calls, long failures, long items, long promptTokens, long generatedTokens) {
        Counts plus(Counts other) {
            return new Counts(calls + other.calls, failures + other.failures, items + other.items,
                promptTokens + other.promptTokens, generatedTokens + other.generatedTokens);
        }
    }

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder items = new LongAdder();
        final LongAdder prompt = new LongAdder();
        final LongAdder generated = new LongAdder();

        Counts snapshot() {
            return new Counts(calls.sum(), failures.sum(), items.sum(), prompt.sum(), generated.sum());
        }
    }

    public void record(String requester, boolean failed, long items, long promptTokens, long generatedTokens) {
        Counters c = counters(requester == null ? RequesterUsage.DIRECT : requester);
        c.calls.increment();
        if (failed) {
            c.failures.increment();
        }
        c.items.add(items);
        c.prompt.add(promptTokens);
        c.generated.add(generatedTokens);
    }

    private Counters counters(String requester) {
        Counters c = byRequester.get(requester);
        if (c != null) {
            return c;
        }
        synchronized (byRequester) { // a new requester (rare): the bound holds however many arrive at once
            c = byRequester.get(requester);
            if (c != null) {
                return c;
            }
            long own = byRequester.keySet().stream().filter(k -> !k.equals(RequesterUsage.OTHER)).count();
            return byRequester.computeIfAbsent(own >= RequesterUsage.MAX_PER_MODEL ? RequesterUsage.OTHER : requester,
                k -> new Counters());
        }
    }

    /** Every requester's counts, by name. */
    public Map<String, Counts> snapshot() {
        Map<String, Counts> all = new TreeMap<>();
        byRequester.forEach((requester, c) -> all.put(requester, c.snapshot()));
        return all;
    }

    /** {@code a} and {@code b} added per requester. */
    public static Map<String, Counts> sum(Map<String, Counts> a, Map<String, Counts> b) {
        Map<String, Counts> all = new TreeMap<>(a);
        b.forEach((requester, counts) -> all.merge(requester, counts, Counts::plus));
        return all;
    }
}
