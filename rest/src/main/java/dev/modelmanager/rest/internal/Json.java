package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Reading request bodies (bounded, typed errors naming the field) and writing JSON answers. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /**
     * The request body as a JSON object, refusing bodies over {@code maxBytes} (413), anything but JSON (415),
     * malformed JSON (400) and non-objects (400).
     */
    static ObjectNode body(HttpServletRequest request, long maxBytes) throws IOException {
        String type = request.getContentType();
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(415, "invalid_request_error", "unsupported_media_type", null,
                "the body must be application/json, was " + type);
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            drain(request.getInputStream());
            throw tooLarge(maxBytes);
        }
        byte[] bytes = readBounded(request.getInputStream(), maxBytes);
        if (bytes.length == 0) {
            throw ApiError.badRequest(null, "the request needs a JSON body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage()
                + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest(null, "the body must be a JSON object");
        }
        return object;
    }

    private static byte[] readBounded(InputStream in, long maxBytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxBytes) {
                drain(in);
                throw tooLarge(maxBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Most bytes of a refused body read and dropped, so that the client reads the 413 instead of a reset. */
    private static final long DRAIN_LIMIT = 32L << 20;

    private static void drain(InputStream in) {
        byte[] buffer = new byte[65536];
        long dropped = 0;
        try {
            int n;
            while (dropped < DRAIN_LIMIT && (n = in.read(buffer)) > 0) {
                dropped += n;
            }
        } catch (IOException e) {
            // the client gave up; the answer may not reach it either way
        }
    }

    private static ApiError tooLarge(long maxBytes) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
            "the body is larger than the limit of " + maxBytes + " bytes (max.request.bytes)");
    }

    static void write(HttpServletResponse response, int status, Object value) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        MAPPER.writeValue(response.getOutputStream(), value);
    }

    static void error(HttpServletResponse response, ApiError e) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("type", e.type);
        error.put("param", e.param);
        error.put("code", e.code);
        if (!response.isCommitted()) {
            response.reset();
            if (e.status == 401) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            write(response, e.status, Map.of("error", error));
        }
    }

    // ------------------------------------------------------------------ typed field access

    static String text(ObjectNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badRequest(field, field + ": is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.badRequest(field, field + ": must be a string, was " + kind(v));
        }
        return v.asText();
    }

    static Integer integer(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badRequest(field, field + ": must be a whole number, was " + kind(v));
        }
        return v.intValue();
    }

    static Long longValue(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.badRequest(field, field + ": must be a whole number, was " + kind(v));
        }
        return v.longValue();
    }

    static Double decimal(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiError.badRequest(field, field + ": must be a number, was " + kind(v));
        }
        return v.doubleValue();
    }

    static boolean bool(ObjectNode body, String field, boolean otherwise) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest(field, field + ": must be true or false, was " + kind(v));
        }
        return v.booleanValue();
    }

    /** A string or an array of strings, as a list; {@code null} when absent. */
    static List<String> texts(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw ApiError.badRequest(field, field + ": must be a string or an array of strings, was " + kind(v));
        }
        List<String> list = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual()) {
                throw ApiError.badRequest(field, field + "[" + i + "]: must be a string, was " + kind(item)
                    + (item.isNumber() || item.isArray() ? " (token arrays are not supported; send text)" : ""));
            }
            list.add(item.asText());
        }
        return list;
    }

    static ObjectNode object(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!(v instanceof ObjectNode o)) {
            throw ApiError.badRequest(field, field + ": must be an object, was " + kind(v));
        }
        return o;
    }

    static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number (" + v + ")";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "an object";
        }
        return "null";
    }
}
