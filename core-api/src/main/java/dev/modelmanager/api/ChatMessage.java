package dev.modelmanager.api;

import java.util.Locale;

/** One message of a chat conversation. */
public record ChatMessage(Role role, String content) {
    /** Who said it. */
    public enum Role {
        SYSTEM, USER, ASSISTANT;

        /** Parses {@code system}, {@code user} or {@code assistant}, ignoring case. */
        public static Role parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw ModelException.invalidInput(null, "role", "must be system, user or assistant, was " + value);
            }
        }
    }

    public ChatMessage {
        if (role == null) {
            throw ModelException.invalidInput(null, "role", "is required");
        }
        if (content == null) {
            throw ModelException.invalidInput(null, "content", "is required");
        }
    }

    public static ChatMessage system(String content) { return new ChatMessage(Role.SYSTEM, content); }
    public static ChatMessage user(String content) { return new ChatMessage(Role.USER, content); }
    public static ChatMessage assistant(String content) { return new ChatMessage(Role.ASSISTANT, content); }
}
