package dev.modelmanager.api;

import java.util.Objects;

/**
 * The one exception type of the {@link ModelManager} API. It carries a stable {@link ErrorCode}, the model id
 * when the failure concerns one model, and the offending field when the failure is about an input value.
 * Unchecked, so that it travels unchanged through {@link java.util.concurrent.CompletionStage}s.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String modelId;
    private final String field;

    public ModelException(ErrorCode code, String modelId, String message) {
        this(code, modelId, null, message, null);
    }

    public ModelException(ErrorCode code, String modelId, String message, Throwable cause) {
        this(code, modelId, null, message, cause);
    }

    public ModelException(ErrorCode code, String modelId, String field, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.modelId = modelId;
        this.field = field;
    }

    /** A requirement field failed validation. */
    public static ModelException invalidRequirement(String field, String reason) {
        return new ModelException(ErrorCode.INVALID_REQUIREMENT, null, field, field + ": " + reason, null);
    }

    /** A call input failed validation. */
    public static ModelException invalidInput(String modelId, String field, String reason) {
        return new ModelException(ErrorCode.INVALID_INPUT, modelId, field, field + ": " + reason, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The model concerned, or {@code null}. */
    public String modelId() {
        return modelId;
    }

    /** The input field that is wrong, or {@code null}. */
    public String field() {
        return field;
    }

    /** A copy of this exception naming a model, for errors raised before the model id was known. */
    public ModelException forModel(String id) {
        if (Objects.equals(id, modelId)) {
            return this;
        }
        ModelException copy = new ModelException(code, id, field, super.getMessage(), getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** The message without decoration, as given at construction. */
    public String reason() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return (modelId == null ? "" : "model '" + modelId + "': ") + super.getMessage() + " [" + code + "]";
    }

    /**
     * The message alone: what a shell prints for a failed command is an operator's sentence, not a Java class name
     * (the code in brackets says what kind of failure it is; stack traces still name the class).
     */
    @Override
    public String toString() {
        return getMessage();
    }
}
