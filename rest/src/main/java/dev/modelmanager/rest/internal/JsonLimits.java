package dev.modelmanager.rest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * What the JSON parser accepts in a request body, set explicitly rather than left to Jackson's defaults (which
 * change between versions, and whose failures carry no location): nesting depth, the length of a number, of a field
 * name and of a string, and the document as a whole. Strings and the document follow {@code max.request.bytes}
 * (a string cannot be longer than the body holding it), so raising that limit never meets a second, hidden one.
 *
 * @param maxDepth        the deepest nesting of objects and arrays
 * @param maxNumberLength the most characters of one number
 * @param maxNameLength   the most characters of one field name
 * @param maxBytes        the largest body ({@code max.request.bytes}), and so the longest string
 */
record JsonLimits(int maxDepth, int maxNumberLength, int maxNameLength, long maxBytes) {
    /** No request schema nests deeper than a few levels; tool and schema objects of OpenAI clients stay far below. */
    static final int MAX_DEPTH = 64;
    /** A double needs 24 characters, a long 20; 100 leaves room and keeps BigDecimal parsing cheap. */
    static final int MAX_NUMBER_LENGTH = 100;
    /** Field names of the schemas are short; requirement option keys too. */
    static final int MAX_NAME_LENGTH = 1_000;

    static JsonLimits of(long maxBytes) {
        return new JsonLimits(MAX_DEPTH, MAX_NUMBER_LENGTH, MAX_NAME_LENGTH, maxBytes);
    }

    /** The longest string: as long as the body may be. */
    int maxStringLength() {
        return (int) Math.min(Integer.MAX_VALUE, maxBytes);
    }

    /** A mapper that reads with these limits. */
    ObjectMapper mapper() {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            .maxNumberLength(maxNumberLength)
            .maxNameLength(maxNameLength)
            .maxStringLength(maxStringLength())
            .maxDocumentLength(maxBytes)
            .build();
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build()).build();
    }

    /** The limit a parser's constraint failure is about, in the words of the API's documentation. */
    String describe(String parserMessage) {
        String m = parserMessage == null ? "" : parserMessage.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("nesting depth")) {
            return "objects and arrays nest at most " + maxDepth + " deep";
        }
        if (m.contains("number value length")) {
            return "a number has at most " + maxNumberLength + " characters";
        }
        if (m.contains("name length")) {
            return "a field name has at most " + maxNameLength + " characters";
        }
        if (m.contains("string value length")) {
            return "a string has at most " + maxStringLength() + " characters (max.request.bytes)";
        }
        if (m.contains("document length")) {
            return "the body has at most " + maxBytes + " bytes (max.request.bytes)";
        }
        return "objects and arrays nest at most " + maxDepth + " deep, numbers have at most " + maxNumberLength
            + " characters, field names at most " + maxNameLength + ", strings at most " + maxStringLength();
    }
}
