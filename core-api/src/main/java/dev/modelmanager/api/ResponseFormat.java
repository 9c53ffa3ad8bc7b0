package dev.modelmanager.api;

import java.util.regex.Pattern;

/**
 * What shape a generation's text must have: free text (the default), any JSON object, or JSON valid against a
 * JSON Schema. A model that cannot hold its output to the shape refuses the call with
 * {@link ErrorCode#CAPABILITY_MISSING} (field {@code response_format}); it never answers in another shape. The
 * schema is handed to the provider as given: llama.cpp turns it into a grammar that every token is sampled under,
 * OpenAI-compatible servers and Ollama take it as their own {@code response_format} / {@code format}.
 *
 * @param kind   the shape
 * @param name   the schema's name (OpenAI requires one: letters, digits, {@code _} and {@code -}, at most 64);
 *               {@code response} when not given, {@code null} for the other kinds
 * @param schema the JSON Schema, a JSON object as text, for {@link Kind#JSON_SCHEMA}; {@code null} otherwise
 */
public record ResponseFormat(Kind kind, String name, String schema) {
    /** The shapes. */
    public enum Kind {
        TEXT, JSON_OBJECT, JSON_SCHEMA;

        /** The name as OpenAI's {@code response_format.type} spells it: {@code text}, {@code json_object}, ... */
        public String type() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Free text. */
    public static final ResponseFormat TEXT = new ResponseFormat(Kind.TEXT, null, null);
    /** Any JSON object. */
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Kind.JSON_OBJECT, null, null);

    public ResponseFormat {
        if (kind == null) {
            throw ModelException.invalidInput(null, "response_format", "needs a kind (text, json_object, json_schema)");
        }
        if (kind == Kind.JSON_SCHEMA) {
            if (schema == null || !schema.strip().startsWith("{")) {
                throw ModelException.invalidInput(null, "response_format.schema", "a json_schema format needs the "
                    + "schema as a JSON object");
            }
            name = name == null || name.isBlank() ? "response" : name.strip();
            if (!NAME.matcher(name).matches()) {
                throw ModelException.invalidInput(null, "response_format.name", "must be 1 to 64 letters, digits, "
                    + "'_' or '-', was '" + name + "'");
            }
        } else if (schema != null || name != null) {
            throw ModelException.invalidInput(null, schema != null ? "response_format.schema" : "response_format.name",
                "only a json_schema format has a schema and a name");
        }
    }

    /** JSON valid against {@code schema} (a JSON Schema object as text), named {@code response}. */
    public static ResponseFormat jsonSchema(String schema) {
        return new ResponseFormat(Kind.JSON_SCHEMA, null, schema);
    }

    /** JSON valid against {@code schema}, under the given name. */
    public static ResponseFormat jsonSchema(String name, String schema) {
        return new ResponseFormat(Kind.JSON_SCHEMA, name, schema);
    }

    /** The kind as OpenAI spells it: {@code text}, {@code json_object}, {@code json_schema}. */
    public String type() {
        return kind.type();
    }
}
