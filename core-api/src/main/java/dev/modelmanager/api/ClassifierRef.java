package dev.modelmanager.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A handle on a classification model. Threads as for {@link EmbeddingModelRef}. */
@ProviderType
public interface ClassifierRef extends ModelRef {
    ClassificationResult classify(List<String> texts);

    CompletionStage<ClassificationResult> classifyAsync(List<String> texts);
}
