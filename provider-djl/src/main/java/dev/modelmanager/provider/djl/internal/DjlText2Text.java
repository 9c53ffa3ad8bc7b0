package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.spi.Text2TextModel;

/**
 * Encoder-decoder generation (T5, BART exported as {@code encoder_model.onnx} + {@code decoder_model.onnx}):
 * the input is encoded once, then the decoder runs step by step from {@code decoder_start_token_id}, taking the
 * most likely token each step (greedy), until {@code eos_token_id} or {@code max_output_length}.
 */
final class DjlText2Text extends DjlInstance implements Text2TextModel {
    private final OnnxModel encoder;
    private final OnnxModel decoder;
    private final Tokens tokens;
    private final long startToken;
    private final long endToken;
    private final int defaultMaxOutput;

    DjlText2Text(OnnxModel encoder, OnnxModel decoder, Tokens tokens, long startToken, long endToken,
                 int defaultMaxOutput, long bytes, Map<String, String> details) {
        super(List.of(encoder, decoder, tokens), bytes, details);
        this.encoder = encoder;
        this.decoder = decoder;
        this.tokens = tokens;
        this.startToken = startToken;
        this.endToken = endToken;
        this.defaultMaxOutput = defaultMaxOutput;
    }

    @Override
    public List<String> transform(List<String> inputs, GenerationOptions options) {
        int max = options.maxOutputLength() != null ? options.maxOutputLength() : defaultMaxOutput;
        List<String> outputs = new ArrayList<>(inputs.size());
        for (String input : inputs) {
            outputs.add(greedy(input, max));
        }
        return outputs;
    }

    private String greedy(String input, int max) {
        Map<String, OnnxModel.LongInput> in = tokens.encode(input);
        OnnxModel.LongInput mask = in.get("attention_mask");
        OnnxModel.Output states = encoder.run(Map.of("input_ids", in.get("input_ids"), "attention_mask", mask), Map.of());
        List<Long> generated = new ArrayList<>();
        generated.add(startToken);
        for (int step = 0; step < max; step++) {
            long[] ids = generated.stream().mapToLong(Long::longValue).toArray();
            OnnxModel.Output logits = decoder.run(Map.of("input_ids", new OnnxModel.LongInput(ids, 1, ids.length),
                "encoder_attention_mask", mask), Map.of("encoder_hidden_states", states));
            int vocab = (int) logits.shape()[2];
            int offset = (ids.length - 1) * vocab;
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits.values()[offset + v] > logits.values()[offset + best]) {
                    best = v;
                }
            }
            if (best == endToken) {
                break;
            }
            generated.add((long) best);
        }
        long[] out = generated.subList(1, generated.size()).stream().mapToLong(Long::longValue).toArray();
        return tokens.decode(out);
    }
}
