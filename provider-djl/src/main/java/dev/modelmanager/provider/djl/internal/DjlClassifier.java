package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.api.spi.BatchPolicy;
import dev.modelmanager.api.spi.ClassificationModel;

/**
 * Sequence classification of texts and of text pairs (cross-encoders): the model's logits turned into scores in
 * Java — softmax for single-label models, sigmoid for multi-label ones and for a single logit (a cross-encoder's
 * relevance, as sentence-transformers' {@code CrossEncoder} does) — labelled from {@code id2label}. Texts run as
 * {@link Batches} plans them, on the compute threads.
 */
final class DjlClassifier extends DjlInstance implements ClassificationModel {
    private final OnnxModel model;
    private final Tokens tokens;
    private final List<String> labels;
    private final boolean multiLabel;
    private final boolean alone;

    DjlClassifier(OnnxModel model, Tokens tokens, List<String> labels, boolean multiLabel, boolean alone, long bytes,
                  Map<String, String> details) {
        super(List.of(model, tokens), model, bytes, details);
        this.model = model;
        this.tokens = tokens;
        this.labels = labels;
        this.multiLabel = multiLabel;
        this.alone = alone;
    }

    int labelCount() {
        return labels.size();
    }

    @Override
    public BatchPolicy batchPolicy() {
        return alone ? BatchPolicy.PER_CALL : BatchPolicy.COMBINE;
    }

    @Override
    public List<List<LabelScore>> classify(List<String> texts) {
        List<Encoding> encoded = new ArrayList<>(texts.size());
        for (String text : texts) {
            encoded.add(tokens.encoding(text));
        }
        return scores(encoded);
    }

    @Override
    public List<List<LabelScore>> classifyPairs(List<TextPair> pairs) {
        List<Encoding> encoded = new ArrayList<>(pairs.size());
        for (TextPair pair : pairs) {
            encoded.add(tokens.encoding(pair.text(), pair.textPair()));
        }
        return scores(encoded);
    }

    private List<List<LabelScore>> scores(List<Encoding> encoded) {
        return model.call(() -> Batches.run(model, encoded, alone, this::labelled));
    }

    /** One run of some texts: every label's score of each, in the batch's order. */
    private List<List<LabelScore>> labelled(boolean wide, TokenBatch batch) {
        OnnxModel.Output logits = model.run(wide, batch.inputs(), Map.of(), model.output("logits"));
        int n = (int) logits.shape()[logits.shape().length - 1];
        List<List<LabelScore>> out = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
            float[] l = new float[n];
            System.arraycopy(logits.values(), row * n, l, 0, n);
            double[] scores = multiLabel || n == 1 ? sigmoid(l) : softmax(l);
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
