package dev.modelmanager.provider.djl.internal;

import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/** A Hugging Face {@code tokenizer.json}, truncating at a maximum length; one text at a time, unpadded. */
final class Tokens implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    Tokens(Path file, int maxLength) {
        try {
            this.tokenizer = OnnxModel.withBundleLoader(() -> HuggingFaceTokenizer.builder().optTokenizerPath(file)
                .optMaxLength(maxLength).optTruncation(true).optPadding(false).build());
        } catch (Exception e) {
            throw new ModelException(ErrorCode.LOAD_FAILED, null, "file", "cannot load the tokenizer " + file + ": "
                + e.getMessage(), e);
        }
    }

    /** input_ids, attention_mask and token_type_ids of one text, shaped [1, n]. */
    Map<String, OnnxModel.LongInput> encode(String text) {
        Encoding e = tokenizer.encode(text);
        int n = e.getIds().length;
        return Map.of("input_ids", new OnnxModel.LongInput(e.getIds(), 1, n),
            "attention_mask", new OnnxModel.LongInput(e.getAttentionMask(), 1, n),
            "token_type_ids", new OnnxModel.LongInput(e.getTypeIds(), 1, n));
    }

    String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
