package dev.modelmanager.api;

/** A class label with its score (a probability for single-label models, in [0, 1]). */
public record LabelScore(String label, double score) {
}
