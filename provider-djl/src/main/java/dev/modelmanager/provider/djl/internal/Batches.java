package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * Which texts run together. Exact batching (fp32/fp16: padding is masked out) sorts the texts by length and cuts
 * runs of similar length under a token budget ({@code max_batch_tokens}, as text-embeddings-inference does) and a
 * text count, never padding more than a quarter of a run: a short text is not padded to a long one. Dynamically
 * quantized models compute their activation scale over the whole input tensor, so a text's vector depends on what
 * it is batched with: for those every text runs alone.
 */
final class Batches {
    /** The most padding a run may carry, as a share of its padded tokens. */
    static final double MAX_PADDING = 0.25;

    private Batches() {
    }

    /** One run of some texts, padded together: one result per text, in the batch's order. */
    @FunctionalInterface
    interface Run<R> {
        List<R> run(boolean wide, TokenBatch batch);
    }

    /**
     * Runs the encoded texts on {@code model} as {@link #plan} groups them (under the runtime's batch limits), the runs
     * at once on the device's budget, and answers one result per text in the texts' order.
     */
    static <R> List<R> run(OnnxModel model, List<Encoding> encoded, boolean alone, Run<R> run) {
        int[] lengths = encoded.stream().mapToInt(e -> e.getIds().length).toArray();
        OrtRuntime.Settings settings = model.runtime().settings();
        List<int[]> runs = plan(lengths, alone, settings.maxBatchTexts(), settings.maxBatchTokens());
        List<OrtRuntime.Task<List<R>>> tasks = new ArrayList<>(runs.size());
        for (int[] indices : runs) {
            tasks.add(wide -> {
                List<Encoding> part = new ArrayList<>(indices.length);
                for (int i : indices) {
                    part.add(encoded.get(i));
                }
                return run.run(wide, TokenBatch.of(part));
            });
        }
        List<List<R>> done = model.runAll(tasks);
        List<R> out = new ArrayList<>(Collections.nCopies(encoded.size(), null));
        for (int r = 0; r < runs.size(); r++) {
            for (int k = 0; k < runs.get(r).length; k++) {
                out.set(runs.get(r)[k], done.get(r).get(k));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Groups of indices into {@code lengths}, each one run.
     *
     * @param lengths   tokens of each text
     * @param alone     every text on its own
     * @param maxTexts  most texts in a run
     * @param maxTokens most padded tokens in a run (a text longer than that runs alone)
     */
    static List<int[]> plan(int[] lengths, boolean alone, int maxTexts, int maxTokens) {
        List<int[]> runs = new ArrayList<>();
        if (alone || maxTexts <= 1) {
            for (int i = 0; i < lengths.length; i++) {
                runs.add(new int[] {i});
            }
            return runs;
        }
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<Integer> run = new ArrayList<>();
        long real = 0;
        for (int index : order) {
            int len = lengths[index];
            int count = run.size() + 1;
            long padded = (long) count * len; // sorted: this text is the run's longest
            boolean fits = count <= maxTexts && padded <= maxTokens && padded - (real + len) <= MAX_PADDING * padded;
            if (!run.isEmpty() && !fits) {
                runs.add(run.stream().mapToInt(Integer::intValue).toArray());
                run.clear();
                real = 0;
            }
            run.add(index);
            real += len;
        }
        if (!run.isEmpty()) {
            runs.add(run.stream().mapToInt(Integer::intValue).toArray());
        }
        return runs;
    }
}
