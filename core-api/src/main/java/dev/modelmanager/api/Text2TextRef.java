package dev.modelmanager.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A handle on a text2text model (translation, summarisation, ...). Threads as for {@link EmbeddingModelRef}. */
@ProviderType
public interface Text2TextRef extends ModelRef {
    TransformResult transform(List<String> inputs, GenerationOptions options);

    CompletionStage<TransformResult> transformAsync(List<String> inputs, GenerationOptions options);
}
