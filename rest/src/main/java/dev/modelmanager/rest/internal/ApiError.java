package dev.modelmanager.rest.internal;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * A failed HTTP call: status, an OpenAI-style error type and code, the offending parameter, and a message a person
 * can act on. Written as {@code {"error": {"message", "type", "param", "code"}}} on every face.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String code;
    final String param;

    ApiError(int status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", null, message);
    }

    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
            method + " is not supported on " + path);
    }

    /** The request attribute naming the output-limit field an OpenAI request sent. */
    static final String OUTPUT_FIELD = "dev.modelmanager.rest.outputField";

    /**
     * The view of a manager failure on the OpenAI-compatible face, in the request's own field names: the manager's
     * {@code max_output_length} is the field the request sent ({@code outputField}: {@code max_completion_tokens} or,
     * when {@code null}, {@code max_tokens}), its {@code response_format.schema} is
     * {@code response_format.json_schema.schema}.
     */
    static ApiError openAi(ModelException e, String outputField) {
        ApiError error = of(e);
        String manager = error.param;
        String field = "max_output_length".equals(manager) ? (outputField == null ? "max_tokens" : outputField)
            : "response_format.schema".equals(manager) ? "response_format.json_schema.schema" : null;
        if (field == null) {
            return error;
        }
        return new ApiError(error.status, error.type, error.code, field, error.getMessage().replace(manager, field));
    }

    /** The HTTP view of a manager failure. */
    static ApiError of(ModelException e) {
        ErrorCode code = e.code();
        String param = e.field();
        return switch (code) {
            case NOT_REGISTERED -> new ApiError(404, "invalid_request_error", "model_not_found", "model", e.getMessage());
            case INVALID_INPUT, INVALID_REQUIREMENT ->
                new ApiError(400, "invalid_request_error", code.name().toLowerCase(java.util.Locale.ROOT), param,
                    e.getMessage());
            // The model named cannot do what was asked: the model is the field to change.
            case CAPABILITY_MISSING -> new ApiError(400, "invalid_request_error", "capability_missing",
                param == null ? "model" : param, e.getMessage());
            case CONFLICTING_REQUIREMENT -> new ApiError(409, "invalid_request_error", "conflicting_requirement", param,
                e.getMessage());
            case NOT_CONFIGURED -> new ApiError(409, "invalid_request_error", "not_configured", param, e.getMessage());
            case STORAGE_FAILED -> new ApiError(503, "server_error", "storage_failed", param, e.getMessage());
            case SOURCE_UNAVAILABLE, SOURCE_NOT_ALLOWED, INVALID_MODEL_FILE ->
                new ApiError(422, "invalid_request_error", code.name().toLowerCase(java.util.Locale.ROOT), param,
                    e.getMessage());
            case OVERLOADED -> new ApiError(429, "rate_limit_error", "overloaded", null, e.getMessage());
            case NOT_OWNER -> new ApiError(403, "permission_error", "reference_owned_by_bundle", param, e.getMessage());
            case INSUFFICIENT_MEMORY -> new ApiError(507, "server_error", "insufficient_memory", null, e.getMessage());
            case TIMEOUT -> new ApiError(504, "server_error", "timeout", null, e.getMessage());
            case NO_PROVIDER, PROVIDER_GONE, NOT_LOADED, SHUTTING_DOWN ->
                new ApiError(503, "server_error", code.name().toLowerCase(java.util.Locale.ROOT), null, e.getMessage());
            case CANCELLED -> new ApiError(499, "server_error", "cancelled", null, e.getMessage());
            // A provider's failure is not the server's: the model cannot be had now (503, its load backs off), or
            // the engine behind failed this call (502, as a gateway answers for its upstream).
            case LOAD_FAILED -> new ApiError(503, "server_error", "load_failed", null, e.getMessage());
            case INFERENCE_FAILED -> new ApiError(502, "server_error", "inference_failed", null, e.getMessage());
        };
    }
}
