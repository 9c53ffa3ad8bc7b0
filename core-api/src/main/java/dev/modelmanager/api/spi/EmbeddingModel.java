package dev.modelmanager.api.spi;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/** A loaded model that embeds text. */
@ConsumerType
public interface EmbeddingModel extends LoadedModel {
    /** The length of every vector it returns. */
    int dimension();

    /** One vector per text, in order. The list holds at most the requirement's {@code batch_size} texts. */
    List<float[]> embed(List<String> texts) throws Exception;

    /**
     * One vector per text, each text prefixed with the model's prompt {@code promptName} (sentence-transformers'
     * named prompts, e.g. {@code query}); {@code null} means the model's default prompt, if it has one. Texts of
     * one list share a prompt.
     *
     * @throws dev.modelmanager.api.ModelException {@link dev.modelmanager.api.ErrorCode#INVALID_INPUT} naming
     *         {@code prompt_name} for a prompt the model does not have
     */
    default List<float[]> embed(List<String> texts, String promptName) throws Exception {
        if (promptName != null) {
            throw dev.modelmanager.api.ModelException.invalidInput(null, "prompt_name",
                "the model has no prompts, so none named '" + promptName + "'");
        }
        return embed(texts);
    }

    /** The model's named prompts (name to the text put before an input); empty when it has none. */
    default Map<String, String> prompts() {
        return Map.of();
    }
}
