package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.api.ModelException;

/**
 * Checks that a JSON Schema is one well-formed JSON object (RFC 8259), nested at most {@value #MAX_DEPTH} deep, before
 * it goes into a native request: llama.cpp's JSON parser aborts the process on malformed input where no C++ handler
 * catches it, so nothing unchecked may reach it. Beyond the syntax, its {@code $ref}s must point inside it
 * ({@code #...}): llama.cpp fetches nothing, and would otherwise let anything through where the reference stands.
 * What the schema means is llama.cpp's to judge.
 */
final class JsonSyntax {
    static final int MAX_DEPTH = 64;

    private final String text;
    private final String field;
    private int at;

    private JsonSyntax(String text, String field) {
        this.text = text;
        this.field = field;
    }

    /**
     * Returns {@code text} if it is one JSON object whose {@code $ref}s point inside it; else fails with
     * {@code INVALID_INPUT} naming the field.
     */
    static String requireSchema(String text, String field) {
        JsonSyntax p = new JsonSyntax(text, field);
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
        if (depth >= MAX_DEPTH) {
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
            if (name.equals("$ref") && peek('"')) {
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

    /**
     * Reads a string and returns it decoded (so that the name written with the escape for '$' followed by "ref" is
     * {@code $ref}, as the native parser will read it). Refuses what that parser refuses: control characters, unknown
     * escapes, unicode escapes without four ASCII hex digits, and escaped surrogates that are not a high one followed
     * by a low one.
     */
    private String string() {
        at++; // past "
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("has a control character inside a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char unit = hex4();
                    if (Character.isLowSurrogate(unit)) {
                        throw error("has a low surrogate escape without a high one before it");
                    }
                    if (Character.isHighSurrogate(unit)) {
                        if (!text.startsWith("\\u", at)) {
                            throw error("has a high surrogate escape without a low one after it");
                        }
                        at += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("has a high surrogate escape without a low one after it");
                        }
                        out.append(unit).append(low);
                    } else {
                        out.append(unit);
                    }
                }
                default -> throw error("has an unknown escape \\" + e);
            }
        }
        throw error("has a string that does not end");
    }

    /** Four ASCII hex digits (the native parser takes no others) as one UTF-16 unit. */
    private char hex4() {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            char h = at < text.length() ? text.charAt(at++) : 0;
            int digit = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (digit < 0) {
                throw error("has a malformed \\u escape");
            }
            value = value * 16 + digit;
        }
        return (char) value;
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
        if (Double.isInfinite(Double.parseDouble(text.substring(start, at)))) {
            // the native parser refuses a number beyond a double's range ("number overflow")
            throw error("has a number beyond a double's range");
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
