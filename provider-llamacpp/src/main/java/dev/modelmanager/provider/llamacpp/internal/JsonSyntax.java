package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.api.ModelException;

/**
 * Checks that a text is one well-formed JSON object (RFC 8259), nested at most {@value #MAX_DEPTH} deep, before it
 * goes into a native request: llama.cpp's JSON parser aborts the process on malformed input where no C++ handler
 * catches it, so nothing unchecked may reach it. Beyond the syntax, a schema's {@code $ref}s must point inside it
 * ({@code #...}): llama.cpp fetches nothing, and would otherwise let anything through where the reference stands.
 * What the schema means is llama.cpp's to judge.
 */
final class JsonSyntax {
    static final int MAX_DEPTH = 64;

    private final String text;
    private final String field;
    private final boolean schema;
    private int at;

    private JsonSyntax(String text, String field, boolean schema) {
        this.text = text;
        this.field = field;
        this.schema = schema;
    }

    /** Returns {@code text} if it is one JSON object; else fails with {@code INVALID_INPUT} naming the field. */
    static String requireObject(String text, String field) {
        return check(text, field, false);
    }

    /** As {@link #requireObject}, for a JSON Schema: also every {@code $ref} points inside it. */
    static String requireSchema(String text, String field) {
        return check(text, field, true);
    }

    private static String check(String text, String field, boolean schema) {
        JsonSyntax p = new JsonSyntax(text, field, schema);
        p.space();
        if (p.at >= text.length() || text.charAt(p.at) != '{') {
            throw p.error("must be a JSON object");
        }
        p.value(0);
        p.space();
        if (p.at != text.length()) {
            throw p.error("has more after the JSON object");
        }
        return text;
    }

    private void value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nests deeper than " + MAX_DEPTH);
        }
        space();
        if (at >= text.length()) {
            throw error("ends where a value should be");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{' -> members(depth);
            case '[' -> elements(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw error("has '" + c + "' where a value should be");
                }
            }
        }
    }

    private void members(int depth) {
        at++; // {
        space();
        if (peek('}')) {
            at++;
            return;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("needs a quoted name");
            }
            String name = string();
            space();
            expect(':');
            space();
            if (schema && name.equals("$ref") && peek('"')) {
                String ref = string();
                if (!ref.startsWith("#")) {
                    throw ModelException.invalidInput(null, field, "refers to '" + ref + "': only references inside "
                        + "the schema (#/$defs/...) are followed; put what it refers to under $defs");
                }
            } else {
                value(depth + 1);
            }
            space();
            if (peek(',')) {
                at++;
            } else {
                expect('}');
                return;
            }
        }
    }

    private void elements(int depth) {
        at++; // [
        space();
        if (peek(']')) {
            at++;
            return;
        }
        while (true) {
            value(depth + 1);
            space();
            if (peek(',')) {
                at++;
            } else {
                expect(']');
                return;
            }
        }
    }

    /** Reads a string; returns it as written, escapes not decoded. */
    private String string() {
        int start = ++at; // past "
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return text.substring(start, at - 1);
            }
            if (c < 0x20) {
                throw error("has a control character inside a string");
            }
            if (c == '\\') {
                if (at >= text.length()) {
                    break;
                }
                char e = text.charAt(at++);
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (at >= text.length() || Character.digit(text.charAt(at++), 16) < 0) {
                            throw error("has a malformed \\u escape");
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw error("has an unknown escape \\" + e);
                }
            }
        }
        throw error("has a string that does not end");
    }

    private void number() {
        int start = at;
        if (peek('-')) {
            at++;
        }
        if (peek('0')) {
            at++;
        } else if (!digits()) {
            throw error("has a malformed number");
        }
        if (peek('.')) {
            at++;
            if (!digits()) {
                throw error("has a malformed number");
            }
        }
        if (peek('e') || peek('E')) {
            at++;
            if (peek('+') || peek('-')) {
                at++;
            }
            if (!digits()) {
                throw error("has a malformed number");
            }
        }
        if (at == start) {
            throw error("has a malformed number");
        }
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private void literal(String word) {
        if (!text.startsWith(word, at)) {
            throw error("has a word that is not true, false or null");
        }
        at += word.length();
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error(at >= text.length() ? "ends where '" + c + "' should be" : "has '" + text.charAt(at)
                + "' where '" + c + "' should be");
        }
        at++;
    }

    private ModelException error(String what) {
        return ModelException.invalidInput(null, field, "is not well-formed JSON: it " + what + " (at character "
            + (Math.min(at, text.length()) + 1) + ")");
    }
}
