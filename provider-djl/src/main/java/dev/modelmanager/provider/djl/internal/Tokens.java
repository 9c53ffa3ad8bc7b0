package dev.modelmanager.provider.djl.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * A Hugging Face {@code tokenizer.json}, truncating at a maximum length, unpadded (a {@link TokenBatch} pads);
 * lower-casing first when the model says {@code do_lower_case}. How long a truncated text was is counted, when
 * asked, by a second, untruncating tokenizer of the same file, used only for texts the first one cut (a text that
 * fits costs nothing more: the truncating encoding says whether it cut anything). Thread-safe.
 */
final class Tokens implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final boolean lowerCase;
    /** Counts the tokens of texts longer than the maximum; {@code null} when not asked to. */
    private final HuggingFaceTokenizer untruncated;

    Tokens(Path file, int maxLength) {
        this(file, maxLength, false, false);
    }

    /** @param countTruncated whether {@link #untruncatedCount} is used (embedding models report truncation) */
    Tokens(Path file, int maxLength, boolean lowerCase, boolean countTruncated) {
        this.lowerCase = lowerCase;
        HuggingFaceTokenizer truncating = null;
        try {
            truncating = OnnxModel.withBundleLoader(() -> HuggingFaceTokenizer.builder().optTokenizerPath(file)
                .optMaxLength(maxLength).optTruncation(true).optPadding(false).build());
            this.tokenizer = truncating;
            this.untruncated = !countTruncated ? null : OnnxModel.withBundleLoader(() -> HuggingFaceTokenizer
                .builder().optTokenizerPath(file).optTruncation(false).optPadding(false).build());
        } catch (Exception e) {
            if (truncating != null) {
                truncating.close();
            }
            // A tokenizer.json that parses as JSON (checked before) but that the tokenizers library refuses.
            // Its own message may quote the file; the position is enough here, the cause goes to the log.
            java.util.regex.Matcher at = java.util.regex.Pattern.compile("line \\d+ column \\d+")
                .matcher(String.valueOf(e.getMessage()));
            throw new ModelException(ErrorCode.INVALID_MODEL_FILE, null, "source", "the tokenizers library cannot "
                + "load " + file.getFileName() + (at.find() ? " (at " + at.group() + ")" : ""), e);
        }
    }

    /** One text's tokens, special tokens included. */
    Encoding encoding(String text) {
        return tokenizer.encode(cased(text));
    }

    /** A text pair's tokens ({@code [CLS] text [SEP] pair [SEP]} for BERT), truncated longest first. */
    Encoding encoding(String text, String pair) {
        return tokenizer.encode(cased(text), cased(pair));
    }

    /** How many tokens {@code text} takes, special tokens included. */
    int count(String text) {
        return encoding(text).getIds().length;
    }

    /**
     * How many tokens {@code text} takes without truncation, special tokens included: for a text whose
     * {@link #encoding} was cut ({@link Encoding#exceedMaxLength()}).
     */
    int untruncatedCount(String text) {
        if (untruncated == null) {
            throw new IllegalStateException("made without countTruncated");
        }
        return untruncated.encode(cased(text)).getIds().length;
    }

    /** input_ids, attention_mask and token_type_ids of one text, shaped [1, n]. */
    Map<String, OnnxModel.LongInput> encode(String text) {
        return TokenBatch.of(List.of(encoding(text))).inputs();
    }

    String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    private String cased(String text) {
        return lowerCase ? text.toLowerCase(Locale.ROOT) : text;
    }

    @Override
    public void close() {
        tokenizer.close();
        if (untruncated != null) {
            untruncated.close();
        }
    }
}
