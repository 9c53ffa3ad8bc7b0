package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.spi.ClassificationModel;

/**
 * Sequence classification: the model's logits turned into scores in Java (softmax for single-label models,
 * sigmoid for multi-label ones; DJL's stock translator needs an operator ONNX Runtime does not have), labelled
 * from {@code id2label}.
 */
final class DjlClassifier extends DjlInstance implements ClassificationModel {
    private final OnnxModel model;
    private final Tokens tokens;
    private final List<String> labels;
    private final boolean multiLabel;

    DjlClassifier(OnnxModel model, Tokens tokens, List<String> labels, boolean multiLabel, long bytes,
                  Map<String, String> details) {
        super(List.of(model, tokens), bytes, details);
        this.model = model;
        this.tokens = tokens;
        this.labels = labels;
        this.multiLabel = multiLabel;
    }

    int labelCount() {
        return labels.size();
    }

    @Override
    public List<List<LabelScore>> classify(List<String> texts) {
        List<List<LabelScore>> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            float[] logits = model.run(tokens.encode(text), Map.of()).values();
            double[] scores = multiLabel ? sigmoid(logits) : softmax(logits);
            List<LabelScore> labelled = new ArrayList<>(scores.length);
            for (int i = 0; i < scores.length; i++) {
                labelled.add(new LabelScore(i < labels.size() ? labels.get(i) : "LABEL_" + i, scores[i]));
            }
            out.add(labelled);
        }
        return out;
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static double[] sigmoid(float[] logits) {
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return p;
    }
}
