package dev.modelmanager.api.spi;

/**
 * Receives generated text piece by piece. The manager passes one to every generation, streamed or not; its
 * answer is how a provider learns that the caller has gone and the work must stop. The manager implements it;
 * providers call it.
 */
@org.osgi.annotation.versioning.ProviderType
@FunctionalInterface
public interface TokenSink {
    /**
     * Takes the next piece of text. May block while the consumer has no demand.
     *
     * @return {@code false} when the consumer cancelled or the call was abandoned: the model must stop generating
     *         and return with {@link dev.modelmanager.api.FinishReason#CANCELLED}
     */
    boolean accept(String piece);
}
