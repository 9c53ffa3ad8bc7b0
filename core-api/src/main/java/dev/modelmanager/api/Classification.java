package dev.modelmanager.api;

import java.util.List;

/**
 * The labels of one text, best first, filtered by the requirement's {@code threshold}.
 *
 * @param labels best first; may be empty when every score is below the threshold
 */
public record Classification(List<LabelScore> labels) {
    public Classification {
        labels = List.copyOf(labels);
    }

    /** The best label, or {@code null} when none passed the threshold. */
    public LabelScore top() {
        return labels.isEmpty() ? null : labels.get(0);
    }
}
