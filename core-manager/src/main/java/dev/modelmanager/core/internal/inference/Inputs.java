package dev.modelmanager.core.internal.inference;

import java.util.List;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ModelException;

/** Checks of what callers pass in, each naming the field and the reason. */
final class Inputs {
    private Inputs() {
    }

    static void texts(String modelId, String field, List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw ModelException.invalidInput(modelId, field, "must hold at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw ModelException.invalidInput(modelId, field + "[" + i + "]", "must not be null");
            }
        }
    }

    static void pairs(String modelId, List<dev.modelmanager.api.TextPair> pairs) {
        if (pairs == null || pairs.isEmpty()) {
            throw ModelException.invalidInput(modelId, "pairs", "must hold at least one text pair");
        }
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i) == null) {
                throw ModelException.invalidInput(modelId, "pairs[" + i + "]", "must not be null");
            }
        }
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
