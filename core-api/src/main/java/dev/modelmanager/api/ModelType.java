package dev.modelmanager.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of model the manager knows. Their ids are the {@code model_type} values of the requirement schema. */
public enum ModelType {
    /** Text to dense vector. */
    EMBEDDING("embedding"),
    /** Text to text: translation, summarisation, paraphrase (encoder-decoder models). */
    TEXT2TEXT("text2text"),
    /** Autoregressive generation: completion, chat, streaming. */
    TEXT_GENERATION("text_generation"),
    /** Text to labels with scores. */
    CLASSIFICATION("classification");

    private final String id;

    ModelType(String id) {
        this.id = id;
    }

    /** The schema id, e.g. {@code "text_generation"}. */
    public String id() {
        return id;
    }

    /**
     * Parses a schema id ({@code "embedding"}) or an enum name ({@code "EMBEDDING"}), ignoring case and
     * accepting {@code -} for {@code _}.
     *
     * @throws ModelException {@link ErrorCode#INVALID_REQUIREMENT} naming {@code model_type} if unknown
     */
    public static ModelType fromId(String value) {
        if (value != null) {
            String normalized = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (ModelType type : values()) {
                if (type.id.equals(normalized)) {
                    return type;
                }
            }
        }
        throw ModelException.invalidRequirement("model_type", "must be one of "
            + Arrays.stream(values()).map(ModelType::id).collect(Collectors.joining(", ")) + ", was " + value);
    }

    @Override
    public String toString() {
        return id;
    }
}
