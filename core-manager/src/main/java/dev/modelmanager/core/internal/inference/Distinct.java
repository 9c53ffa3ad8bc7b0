package dev.modelmanager.core.internal.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A call's texts without repeats, so that a text given twice is computed once; answers expand back in order. */
final class Distinct {
    private final List<String> texts;
    /** Where each of the caller's texts is in {@link #texts}; {@code null}: no repeats. */
    private final int[] index;

    private Distinct(List<String> texts, int[] index) {
        this.texts = texts;
        this.index = index;
    }

    static Distinct of(List<String> texts) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> distinct = new ArrayList<>(texts.size());
        int[] index = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            Integer first = seen.putIfAbsent(texts.get(i), distinct.size());
            if (first == null) {
                index[i] = distinct.size();
                distinct.add(texts.get(i));
            } else {
                index[i] = first;
            }
        }
        return distinct.size() == texts.size() ? new Distinct(List.copyOf(texts), null)
            : new Distinct(List.copyOf(distinct), index);
    }

    /** Whether some text was given more than once. */
    boolean repeats() {
        return index != null;
    }

    /** The texts to compute. */
    List<String> texts() {
        return texts;
    }

    /**
     * One value per caller's text, in the caller's order, from one value per {@link #texts()}: a repeated text gets
     * the same value object each time.
     */
    <V> List<V> expand(List<V> values) {
        if (index == null) {
            return values;
        }
        List<V> out = new ArrayList<>(index.length);
        for (int i : index) {
            out.add(values.get(i));
        }
        return out;
    }
}
