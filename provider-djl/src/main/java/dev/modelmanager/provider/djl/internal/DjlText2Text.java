package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.spi.Text2TextModel;

/**
 * Encoder-decoder generation (T5, BART exported as {@code encoder_model.onnx} + {@code decoder_model.onnx}):
 * the input is encoded once, then the decoder runs step by step from {@code decoder_start_token_id} until
 * {@code eos_token_id} or {@code max_output_length}: greedy by default, beam search with {@code num_beams} (call
 * option {@code extra.num_beams} or requirement option), sampling when a temperature above 0 is given (with
 * {@code top_k}, {@code top_p} and {@code seed}).
 */
final class DjlText2Text extends DjlInstance implements Text2TextModel {
    private final OnnxModel encoder;
    private final OnnxModel decoder;
    private final Tokens tokens;
    private final long startToken;
    private final long endToken;
    private final int defaultMaxOutput;
    private final String defaultBeams;

    DjlText2Text(OnnxModel encoder, OnnxModel decoder, Tokens tokens, long startToken, long endToken,
                 int defaultMaxOutput, int defaultBeams, long bytes, Map<String, String> details) {
        super(List.of(encoder, decoder, tokens), encoder, bytes, details);
        this.encoder = encoder;
        this.decoder = decoder;
        this.tokens = tokens;
        this.startToken = startToken;
        this.endToken = endToken;
        this.defaultMaxOutput = defaultMaxOutput;
        this.defaultBeams = Integer.toString(Math.max(1, defaultBeams));
    }

    /** Each input decoded on its own, as a task of the compute threads (several inputs at once). */
    @Override
    public List<String> transform(List<String> inputs, GenerationOptions options) {
        int max = options.maxOutputLength() != null ? options.maxOutputLength() : defaultMaxOutput;
        int beams = Integer.parseInt(options.extra().getOrDefault("num_beams", defaultBeams));
        List<OrtRuntime.Task<String>> tasks = new ArrayList<>(inputs.size());
        for (String input : inputs) {
            tasks.add(wide -> {
                Encoded encoded = encode(input);
                long[] ids;
                if (beams > 1) {
                    ids = beamSearch(encoded, max, beams);
                } else if (options.temperature() != null && options.temperature() > 0) {
                    ids = sample(encoded, max, options);
                } else {
                    ids = greedy(encoded, max);
                }
                return tokens.decode(ids);
            });
        }
        return encoder.runAll(tasks);
    }

    /** The encoder's states and mask of one input. */
    record Encoded(OnnxModel.Output states, OnnxModel.LongInput mask) {
    }

    Encoded encode(String input) {
        Map<String, OnnxModel.LongInput> in = tokens.encode(input);
        OnnxModel.LongInput mask = in.get("attention_mask");
        return new Encoded(encoder.run(Map.of("input_ids", in.get("input_ids"), "attention_mask", mask), Map.of()), mask);
    }

    /** Log-probabilities of the next token after {@code prefix} (which starts with the decoder start token). */
    double[] nextLogProbs(Encoded encoded, long[] prefix) {
        OnnxModel.Output logits = decoder.run(Map.of("input_ids", new OnnxModel.LongInput(prefix, 1, prefix.length),
            "encoder_attention_mask", encoded.mask()), Map.of("encoder_hidden_states", encoded.states()));
        int vocab = (int) logits.shape()[2];
        int offset = (prefix.length - 1) * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits.values()[offset + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits.values()[offset + v] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[vocab];
        for (int v = 0; v < vocab; v++) {
            out[v] = logits.values()[offset + v] - log;
        }
        return out;
    }

    long[] greedy(Encoded encoded, int max) {
        List<Long> generated = new ArrayList<>(List.of(startToken));
        for (int step = 0; step < max; step++) {
            double[] logProbs = nextLogProbs(encoded, toArray(generated));
            int best = argmax(logProbs);
            if (best == endToken) {
                break;
            }
            generated.add((long) best);
        }
        return toArray(generated.subList(1, generated.size()));
    }

    /** A hypothesis: tokens so far (with the start token) and the summed log-probability of its decisions. */
    private record Beam(List<Long> tokens, double logProb) {
    }

    /** A finished hypothesis, scored by its length-normalised log-probability (transformers' length_penalty=1). */
    private record Finished(List<Long> tokens, double score) {
    }

    /**
     * Beam search as transformers does it: the {@code width} live hypotheses with the highest summed
     * log-probability are kept each step; a hypothesis that produces the end token joins the finished ones,
     * scored per decision; the search stops when {@code width} hypotheses have finished and no live one can still
     * beat the worst of them, or at {@code max} tokens. Answers the best finished hypothesis.
     */
    long[] beamSearch(Encoded encoded, int max, int width) {
        List<Beam> live = List.of(new Beam(List.of(startToken), 0));
        List<Finished> finished = new ArrayList<>();
        for (int step = 1; step <= max && !live.isEmpty(); step++) {
            List<Beam> candidates = new ArrayList<>();
            for (Beam beam : live) {
                double[] logProbs = nextLogProbs(encoded, toArray(beam.tokens()));
                for (int v : topIndices(logProbs, width + 1)) {
                    double total = beam.logProb() + logProbs[v];
                    if (v == endToken) {
                        finished.add(new Finished(beam.tokens(), total / step));
                    } else {
                        List<Long> next = new ArrayList<>(beam.tokens());
                        next.add((long) v);
                        candidates.add(new Beam(next, total));
                    }
                }
            }
            candidates.sort(java.util.Comparator.comparingDouble(Beam::logProb).reversed());
            live = candidates.subList(0, Math.min(width, candidates.size()));
            finished.sort(java.util.Comparator.comparingDouble(Finished::score).reversed());
            if (finished.size() > width) {
                finished = new ArrayList<>(finished.subList(0, width));
            }
            if (finished.size() == width && !live.isEmpty()
                && live.get(0).logProb() / step <= finished.get(width - 1).score()) {
                break;
            }
        }
        List<Long> best = finished.isEmpty() ? live.get(0).tokens() : finished.get(0).tokens();
        return toArray(best.subList(1, best.size()));
    }

    /** Samples each token from the temperature-scaled distribution, cut to top-k and top-p; seeded when asked. */
    long[] sample(Encoded encoded, int max, GenerationOptions options) {
        java.util.Random random = options.seed() != null ? new java.util.Random(options.seed()) : new java.util.Random();
        double temperature = options.temperature();
        List<Long> generated = new ArrayList<>(List.of(startToken));
        for (int step = 0; step < max; step++) {
            double[] logProbs = nextLogProbs(encoded, toArray(generated));
            int k = options.topK() != null && options.topK() > 0 ? Math.min(options.topK(), logProbs.length) : logProbs.length;
            int[] order = topIndices(logProbs, k);
            double[] weights = new double[order.length];
            double total = 0;
            for (int i = 0; i < order.length; i++) {
                weights[i] = Math.exp((logProbs[order[i]] - logProbs[order[0]]) / temperature);
                total += weights[i];
            }
            int keep = order.length;
            if (options.topP() != null && options.topP() < 1) {
                double mass = 0;
                for (int i = 0; i < order.length; i++) {
                    mass += weights[i] / total;
                    if (mass >= options.topP()) {
                        keep = i + 1;
                        break;
                    }
                }
            }
            double kept = 0;
            for (int i = 0; i < keep; i++) {
                kept += weights[i];
            }
            double r = random.nextDouble() * kept;
            int choice = order[keep - 1];
            for (int i = 0; i < keep; i++) {
                r -= weights[i];
                if (r <= 0) {
                    choice = order[i];
                    break;
                }
            }
            if (choice == endToken) {
                break;
            }
            generated.add((long) choice);
        }
        return toArray(generated.subList(1, generated.size()));
    }

    /** The summed log-probability of an output (without start token) for an input: what beam search maximises. */
    double logProbOf(Encoded encoded, long[] output) {
        List<Long> prefix = new ArrayList<>(List.of(startToken));
        double total = 0;
        for (int i = 0; i <= output.length; i++) {
            double[] logProbs = nextLogProbs(encoded, toArray(prefix));
            long next = i < output.length ? output[i] : endToken;
            total += logProbs[(int) next];
            prefix.add(next);
        }
        return total;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] topIndices(double[] v, int k) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
            .sorted((a, b) -> Double.compare(v[b], v[a])).limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
