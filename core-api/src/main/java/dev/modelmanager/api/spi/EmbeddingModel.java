package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** A loaded model that embeds text. */
@ConsumerType
public interface EmbeddingModel extends LoadedModel {
    /** The length of every vector it returns. */
    int dimension();

    /** One vector per text, in order. The list holds at most the requirement's {@code batch_size} texts. */
    List<float[]> embed(List<String> texts) throws Exception;
}
