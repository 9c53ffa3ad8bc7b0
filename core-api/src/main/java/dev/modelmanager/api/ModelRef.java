package dev.modelmanager.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A reference to a registered model, held by whoever registered or attached it: closing it releases the reference
 * (once; closing again does nothing), so a host bundle's {@code @Deactivate} is one line and try-with-resources
 * works. Typed handles add the calls a model type serves: {@link EmbeddingModelRef}, {@link GeneratorRef},
 * {@link ClassifierRef}, {@link Text2TextRef}.
 *
 * <p>Handles are also published as OSGi services, one per registered model, with the service properties
 * {@value ModelManagerConstants#MODEL_ID}, {@value ModelManagerConstants#MODEL_TYPE} and
 * {@value ModelManagerConstants#MODEL_NAME}: each bundle that gets the service holds its own reference, released
 * when it ungets it (Declarative Services does both with {@code @Reference(target = "(model.id=...)")}).
 *
 * <p>Thread-safe. Calls after {@link #close()} fail with {@link ErrorCode#NOT_REGISTERED} once nobody else holds the
 * model.
 */
@ProviderType
public interface ModelRef extends AutoCloseable {
    /** The id this handle calls the model by. */
    String modelId();

    /** The requester this handle holds its reference as. */
    String requester();

    /** What the manager knows about the model now. */
    ModelInfo info();

    /** Releases this handle's reference. */
    @Override
    void close();
}
