package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
    /**
     * Reads and drops what is left of a request body the handler did not read (an endpoint that takes none, a call
     * refused before its body was read): the container would otherwise close the connection under a client still
     * sending, which then never reads the answer.
     */
    static void drainUnread(HttpServletRequest request) {
        if (request.getContentLengthLong() != 0 && request.getHeader("Content-Length") != null
            || request.getHeader("Transfer-Encoding") != null) {
            try {
                drain(request.getInputStream());
            } catch (IOException | IllegalStateException e) {
                // read as characters, or the client went away: nothing to drop
            }
        }
    }

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
        JsonNode node = parse(bytes, JsonLimits.of(maxBytes));
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest(null, "the body must be a JSON object, was " + (node == null ? "empty"
                : kind(node)));
        }
        return object;
    }

    /** The last limits read with, and their mapper: settings rarely change, so one is kept. */
    private record Reader(JsonLimits limits, ObjectMapper mapper) {
    }

    private static volatile Reader reader = new Reader(JsonLimits.of(RestSettings.DEFAULTS.maxRequestBytes()),
        JsonLimits.of(RestSettings.DEFAULTS.maxRequestBytes()).mapper());

    private static ObjectMapper mapper(JsonLimits limits) {
        Reader r = reader;
        if (!r.limits().equals(limits)) {
            r = new Reader(limits, limits.mapper());
            reader = r;
        }
        return r.mapper();
    }

    /**
     * One JSON value within the limits. Beyond them, or malformed, or followed by more content: 400 naming the
     * limit or the problem, and where in the body it was (the field, when the parser was inside one).
     */
    static JsonNode parse(byte[] bytes, JsonLimits limits) throws IOException {
        ObjectMapper mapper = mapper(limits);
        try (JsonParser parser = mapper.createParser(bytes)) {
            try {
                JsonNode node = mapper.readTree(parser);
                if (node != null && parser.nextToken() != null) {
                    throw ApiError.badRequest(null, "the body is not valid JSON: more content follows the value at "
                        + where(parser.currentLocation()));
                }
                return node;
            } catch (StreamConstraintsException e) {
                boolean inName = e.getOriginalMessage() != null && e.getOriginalMessage().contains("Name length");
                String field = path(parser.getParsingContext(), !inName);
                throw new ApiError(400, "invalid_request_error", "json_limit_exceeded", field,
                    "the body goes beyond this server's JSON limits: " + limits.describe(e.getOriginalMessage())
                        + (field == null ? "" : " (in " + field + ")"));
            } catch (JsonProcessingException e) {
                // Not every parser failure carries a location.
                JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
                throw ApiError.badRequest(path(parser.getParsingContext(), true), "the body is not valid JSON: "
                    + e.getOriginalMessage() + " at " + where(at));
            }
        }
    }

    private static String where(JsonLocation at) {
        return at == null ? "an unknown place" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** Most segments of a path shown: deep nesting is the problem then, not which element it was. */
    private static final int PATH_SEGMENTS = 4;

    /**
     * Where the parser was, as a field path ({@code messages[0].content}), or {@code null} at the top. The innermost
     * name is left out while the parser reads a name: it is the previous field's then.
     */
    private static String path(JsonStreamContext context, boolean withCurrentName) {
        List<String> segments = new ArrayList<>();
        boolean innermost = true;
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.inObject() && c.getCurrentName() != null && (withCurrentName || !innermost)) {
                segments.add(c.getCurrentName());
            }
            innermost = false;
        }
        if (segments.isEmpty()) {
            return null;
        }
        java.util.Collections.reverse(segments);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(PATH_SEGMENTS, segments.size()); i++) {
            String s = segments.get(i);
            b.append(s.startsWith("[") || b.isEmpty() ? "" : ".").append(s.length() > 100 ? s.substring(0, 100) + "..." : s);
        }
        return segments.size() > PATH_SEGMENTS ? b + "..." : b.toString();
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

    /**
     * Most bytes of a refused or unread body read and dropped, so that the client reads the answer instead of a
     * connection reset.
     */
    private static final long DRAIN_LIMIT = 32L << 20;

    static void drain(InputStream in) {
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

    /**
     * Writes the error as {@code {"error": {"message", "type", "param", "code"}}}, unless the answer has started;
     * a 429 or 503 carries {@code Retry-After} (see {@link RestSettings#retryAfterSeconds}).
     */
    static void error(HttpServletResponse response, ApiError e, RestSettings settings) throws IOException {
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
            if (e.status == 429 || e.status == 503) {
                response.setHeader("Retry-After", Long.toString(settings.retryAfterSeconds(e)));
            }
            if (e.status == 409 || e.status == 507) {
                // The official OpenAI clients retry 409 and every 5xx unless told not to; these would fail again.
                response.setHeader("x-should-retry", "false");
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

    /** The longest wait a call may ask for: a day. */
    static final int MAX_WAIT_SECONDS = 86_400;

    /**
     * A wait in whole seconds, 1 to {@value #MAX_WAIT_SECONDS}, or {@code null} when absent: a wait of 0 or less
     * would only time out.
     */
    static java.time.Duration seconds(ObjectNode body, String field) {
        Integer v = integer(body, field);
        if (v == null) {
            return null;
        }
        if (v < 1 || v > MAX_WAIT_SECONDS) {
            throw ApiError.badRequest(field, field + ": must be 1 to " + MAX_WAIT_SECONDS + " seconds, was " + v);
        }
        return java.time.Duration.ofSeconds(v);
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
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw ApiError.badRequest(field, field + ": must be a finite number, was " + kind(v));
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
                // Token ids cannot be read without the tokenizer the client counted with (tiktoken's, for
                // langchain-openai's OpenAIEmbeddings, which sends them unless check_embedding_ctx_length=False).
                throw ApiError.badRequest(field + "[" + i + "]", field + "[" + i + "]: must be a string, was "
                    + kind(item) + (item.isNumber() || item.isArray() ? " (token arrays are not supported; send text"
                    + ("input".equals(field) ? ": with langchain-openai's OpenAIEmbeddings, set "
                        + "check_embedding_ctx_length=False)" : ")") : ""));
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
