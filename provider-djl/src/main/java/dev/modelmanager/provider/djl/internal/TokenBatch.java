package dev.modelmanager.provider.djl.internal;

import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * Encoded texts padded (on the right, with id 0 and mask 0) to the longest of them: the {@code [n, length]}
 * inputs of one run. With the attention mask a padded position changes nothing for the others in fp32/fp16
 * models; dynamically quantized models are the exception (see {@link Batches}).
 */
record TokenBatch(int size, int length, long[] ids, long[] mask, long[] types) {

    static TokenBatch of(List<Encoding> encodings) {
        int n = encodings.size();
        int length = 1;
        for (Encoding e : encodings) {
            length = Math.max(length, e.getIds().length);
        }
        long[] ids = new long[n * length];
        long[] mask = new long[n * length];
        long[] types = new long[n * length];
        for (int i = 0; i < n; i++) {
            Encoding e = encodings.get(i);
            int len = e.getIds().length;
            System.arraycopy(e.getIds(), 0, ids, i * length, len);
            System.arraycopy(e.getAttentionMask(), 0, mask, i * length, len);
            System.arraycopy(e.getTypeIds(), 0, types, i * length, len);
        }
        return new TokenBatch(n, length, ids, mask, types);
    }

    /** The graph inputs; a graph without {@code token_type_ids} ignores that one. */
    Map<String, OnnxModel.LongInput> inputs() {
        return Map.of("input_ids", new OnnxModel.LongInput(ids, size, length),
            "attention_mask", new OnnxModel.LongInput(mask, size, length),
            "token_type_ids", new OnnxModel.LongInput(types, size, length));
    }
}
