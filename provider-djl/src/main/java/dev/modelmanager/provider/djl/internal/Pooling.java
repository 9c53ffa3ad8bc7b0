package dev.modelmanager.provider.djl.internal;

import java.util.List;
import java.util.Locale;

/**
 * How token vectors become one sentence vector, as sentence-transformers' {@code Pooling} module does it. Each mode
 * reads a run's {@code [n, length, d]} hidden states and the attention mask of one text; several modes concatenate
 * their vectors in sentence-transformers' order (cls, max, mean, mean_sqrt_len, weightedmean, lasttoken).
 */
enum Pooling {
    /** The first token's vector ({@code [CLS]}). */
    CLS("cls", "pooling_mode_cls_token"),
    /** The largest value of each dimension over the text's tokens. */
    MAX("max", "pooling_mode_max_tokens"),
    /** The mean over the text's tokens. */
    MEAN("mean", "pooling_mode_mean_tokens"),
    /** The sum over the text's tokens divided by the square root of their number. */
    MEAN_SQRT_LEN("mean_sqrt_len", "pooling_mode_mean_sqrt_len_tokens"),
    /** The mean weighted by position (1, 2, ...), for causal models. */
    WEIGHTED_MEAN("weightedmean", "pooling_mode_weightedmean_tokens"),
    /** The last token's vector, for causal models. */
    LAST_TOKEN("lasttoken", "pooling_mode_lasttoken");

    private final String id;
    private final String configKey;

    Pooling(String id, String configKey) {
        this.id = id;
        this.configKey = configKey;
    }

    String id() {
        return id;
    }

    /** The key of {@code 1_Pooling/config.json} that turns this mode on. */
    String configKey() {
        return configKey;
    }

    /** A mode by its name ({@code cls}, {@code mean}, {@code mean_sqrt_len}, {@code last_token}, ...). */
    static Pooling of(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace("-", "_");
        for (Pooling p : values()) {
            if (p.id.equals(n) || p.name().toLowerCase(Locale.ROOT).equals(n) || p.id.equals(n.replace("_", ""))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + name + "'; known: cls, mean, max, mean_sqrt_len, "
            + "weightedmean, lasttoken");
    }

    /**
     * Pools text {@code row} of a run.
     *
     * @param hidden the run's hidden states, {@code [n, length, d]} flattened
     * @param mask   the run's attention mask, {@code [n, length]} flattened, with the prompt's tokens already cleared
     *               when the model excludes them
     */
    float[] pool(float[] hidden, long[] mask, int row, int length, int d) {
        float[] v = new float[d];
        int base = row * length;
        switch (this) {
            case CLS -> System.arraycopy(hidden, base * d, v, 0, d);
            case LAST_TOKEN -> {
                int last = 0;
                for (int t = 0; t < length; t++) {
                    if (mask[base + t] != 0) {
                        last = t;
                    }
                }
                System.arraycopy(hidden, (base + last) * d, v, 0, d);
            }
            case MAX -> {
                java.util.Arrays.fill(v, -1e9f);
                for (int t = 0; t < length; t++) {
                    if (mask[base + t] != 0) {
                        int off = (base + t) * d;
                        for (int k = 0; k < d; k++) {
                            v[k] = Math.max(v[k], hidden[off + k]);
                        }
                    }
                }
            }
            default -> {
                double weights = 0;
                for (int t = 0; t < length; t++) {
                    if (mask[base + t] != 0) {
                        float w = this == WEIGHTED_MEAN ? t + 1 : 1;
                        weights += w;
                        int off = (base + t) * d;
                        for (int k = 0; k < d; k++) {
                            v[k] += w * hidden[off + k];
                        }
                    }
                }
                double divisor = this == MEAN_SQRT_LEN ? Math.sqrt(Math.max(weights, 1e-9)) : Math.max(weights, 1e-9);
                for (int k = 0; k < d; k++) {
                    v[k] = (float) (v[k] / divisor);
                }
            }
        }
        return v;
    }

    /** Several modes, concatenated in sentence-transformers' order. */
    static float[] pool(List<Pooling> modes, float[] hidden, long[] mask, int row, int length, int d) {
        if (modes.size() == 1) {
            return modes.get(0).pool(hidden, mask, row, length, d);
        }
        float[] all = new float[modes.size() * d];
        int at = 0;
        for (Pooling p : values()) {
            if (modes.contains(p)) {
                System.arraycopy(p.pool(hidden, mask, row, length, d), 0, all, at, d);
                at += d;
            }
        }
        return all;
    }
}
