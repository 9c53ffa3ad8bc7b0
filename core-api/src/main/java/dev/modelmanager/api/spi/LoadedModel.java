package dev.modelmanager.api.spi;

import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.ResponseFormat;

/**
 * One loaded instance of a model. Implementations also implement the capability interfaces they support
 * ({@link EmbeddingModel}, {@link GenerationModel}, {@link ChatModel}, {@link ClassificationModel},
 * {@link Text2TextModel}). The manager may call an instance from several threads at once, up to the concurrency
 * it was configured with; an implementation that cannot run calls in parallel must serialise them itself.
 */
@ConsumerType
public interface LoadedModel extends AutoCloseable {

    /** The device it actually runs on, e.g. {@code cpu} or {@code cuda:0}. */
    String device();

    /** Memory it uses, measured where possible, or {@code -1} when unknown. */
    long memoryBytes();

    /** Facts for status output (architecture, context length, ...); never secrets. */
    default Map<String, String> details() {
        return Map.of();
    }

    /**
     * Whether the manager may merge callers' texts into one call of this instance (embedding, classification).
     * Defaults to {@link BatchPolicy#COMBINE}.
     */
    default BatchPolicy batchPolicy() {
        return BatchPolicy.COMBINE;
    }

    /**
     * How many calls this instance runs at once to full effect (a provider with a compute budget of its own says
     * it); the manager gives the instance that many slots instead of its {@code worker.concurrency}: no more, so that
     * waiting texts gather into batches instead of queueing inside the provider, and no fewer, so that the provider's
     * budget is used. {@code 0} (the default): the manager's {@code worker.concurrency}.
     */
    default int concurrency() {
        return 0;
    }

    /**
     * The shapes this instance can hold a generation's text to ({@link dev.modelmanager.api.ResponseFormat}); the
     * manager refuses a call asking for another before it reaches the instance. Defaults to free text only.
     */
    default Set<ResponseFormat.Kind> responseFormats() {
        return Set.of(ResponseFormat.Kind.TEXT);
    }

    /**
     * Frees the instance. Called once, after every call on it has finished or been abandoned; must not throw.
     */
    @Override
    void close();
}
