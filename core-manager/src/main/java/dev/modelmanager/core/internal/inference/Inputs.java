package dev.modelmanager.core.internal.inference;

import java.util.List;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ModelException;

/** Checks of what callers pass in, each naming the field and the reason. */
final class Inputs {
    private Inputs() {
    }

    static void texts(String modelId, String field, List<String> texts, CallLimits limits) {
        if (texts == null || texts.isEmpty()) {
            throw ModelException.invalidInput(modelId, field, "must hold at least one text");
        }
        count(modelId, field, texts.size(), "texts", limits);
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            // The field's name is built only for a text that is refused: a bulk call checks thousands.
            if (text == null || text.length() > limits.charsPerInput()) {
                text(modelId, field + "[" + i + "]", text, limits);
            }
        }
    }

    static void pairs(String modelId, List<dev.modelmanager.api.TextPair> pairs, CallLimits limits) {
        if (pairs == null || pairs.isEmpty()) {
            throw ModelException.invalidInput(modelId, "pairs", "must hold at least one text pair");
        }
        count(modelId, "pairs", pairs.size(), "text pairs", limits);
        for (int i = 0; i < pairs.size(); i++) {
            dev.modelmanager.api.TextPair pair = pairs.get(i);
            if (pair == null) {
                throw ModelException.invalidInput(modelId, "pairs[" + i + "]", "must not be null");
            }
            text(modelId, "pairs[" + i + "].text", pair.text(), limits);
            text(modelId, "pairs[" + i + "].text_pair", pair.textPair(), limits);
        }
    }

    private static void count(String modelId, String field, int size, String what, CallLimits limits) {
        if (size > limits.inputsPerCall()) {
            throw ModelException.invalidInput(modelId, field, "holds " + size + " " + what + ", at most "
                + limits.inputsPerCall() + " per call (" + CallLimits.INPUTS_KEY + "); split the call");
        }
    }

    private static void text(String modelId, String field, String text, CallLimits limits) {
        if (text == null) {
            throw ModelException.invalidInput(modelId, field, "must not be null");
        }
        if (text.length() > limits.charsPerInput()) {
            throw ModelException.invalidInput(modelId, field, "has " + text.length() + " characters, at most "
                + limits.charsPerInput() + " (" + CallLimits.CHARS_KEY + ")");
        }
    }

    /**
     * {@code result} when the model truncated none of its texts; else the refusal of the first one truncated, naming it
     * ({@code field[i]}), its tokens and the most the model reads (a truncated text was cut to exactly that).
     */
    static dev.modelmanager.api.EmbeddingResult untruncated(String modelId, String field,
                                                            dev.modelmanager.api.EmbeddingResult result) {
        List<dev.modelmanager.api.Embedding> embeddings = result.embeddings();
        for (int i = 0; i < embeddings.size(); i++) {
            dev.modelmanager.api.Embedding e = embeddings.get(i);
            if (e.truncated()) {
                throw ModelException.invalidInput(modelId, field + "[" + i + "]", "has " + e.untruncatedTokens()
                    + " tokens, more than the " + e.tokens() + " the model reads (its maximum input length); shorten "
                    + "it, or let the model read its start (truncate: true)");
            }
        }
        return result;
    }

    static void prompt(String modelId, String prompt) {
        if (prompt == null) {
            throw ModelException.invalidInput(modelId, "prompt", "must not be null");
        }
    }

    static void messages(String modelId, List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ModelException.invalidInput(modelId, "messages", "must hold at least one message");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw ModelException.invalidInput(modelId, "messages[" + i + "]", "must not be null");
            }
        }
    }
}
