package dev.modelmanager.provider.llamacpp.internal;

import java.util.Arrays;

/**
 * Which of a loaded model's parallel slots a generation runs in, so that a conversation's next turn lands where its
 * earlier turns' KV cache still is. Each slot remembers the tokens it holds (prompt and output, as llama.cpp keeps
 * them with {@code cache_prompt}); a new prompt takes the free slot whose tokens share the longest prefix with it (at
 * least {@link #MIN_MATCH} tokens: a shared begin-of-text token is no reason to overwrite a conversation), else the
 * free slot used longest ago (leaving the others' caches alone). The prompt's tokens found there are what
 * llama.cpp does not compute again ({@code n_past} = longest common prefix, at least one token evaluated).
 *
 * <p>Pure state, no I/O: the generator asks before it starts a completion and tells when it ends. Thread-safe.
 */
final class SlotTable {
    /** A slot taken for one generation, and how many of its prompt's tokens are already in it. */
    record Lease(int slot, int cachedTokens) {
    }

    /** The fewest shared tokens that make a slot the prompt's. */
    static final int MIN_MATCH = 8;

    private final int[][] tokens;
    private final boolean[] busy;
    private final long[] lastUsed;
    private long clock;

    SlotTable(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, was " + slots);
        }
        tokens = new int[slots][];
        busy = new boolean[slots];
        lastUsed = new long[slots];
        Arrays.fill(tokens, new int[0]);
    }

    int slots() {
        return busy.length;
    }

    /**
     * Takes a free slot for {@code prompt}, or answers {@code null} when every slot is busy (llama.cpp then queues the
     * task itself and picks the slot).
     */
    synchronized Lease acquire(int[] prompt) {
        int best = -1;
        int bestPrefix = 0;
        int oldest = -1;
        for (int s = 0; s < busy.length; s++) {
            if (busy[s]) {
                continue;
            }
            int prefix = commonPrefix(tokens[s], prompt);
            if (prefix >= Math.min(MIN_MATCH, prompt.length) && prefix > bestPrefix) {
                best = s;
                bestPrefix = prefix;
            }
            if (oldest < 0 || lastUsed[s] < lastUsed[oldest]) {
                oldest = s;
            }
        }
        if (oldest < 0) {
            return null;
        }
        int slot = best >= 0 ? best : oldest;
        busy[slot] = true;
        lastUsed[slot] = ++clock;
        // llama.cpp evaluates at least the prompt's last token, even when the whole prompt is cached
        int cached = Math.max(0, Math.min(commonPrefix(tokens[slot], prompt), prompt.length - 1));
        return new Lease(slot, cached);
    }

    /** Gives the slot back, holding {@code held}: the tokens its KV cache now has (prompt, then output). */
    synchronized void release(Lease lease, int[] held) {
        tokens[lease.slot()] = held.clone();
        busy[lease.slot()] = false;
        lastUsed[lease.slot()] = ++clock;
    }

    /** Gives the slot back with its cache unknown (a failed run): it no longer counts as holding anything. */
    synchronized void forget(Lease lease) {
        tokens[lease.slot()] = new int[0];
        busy[lease.slot()] = false;
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
