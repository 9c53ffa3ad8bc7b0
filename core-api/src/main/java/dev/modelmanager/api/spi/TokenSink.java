package dev.modelmanager.api.spi;

/** Receives generated text piece by piece while a model streams. */
@FunctionalInterface
public interface TokenSink {
    /**
     * Takes the next piece of text. May block while the consumer has no demand.
     *
     * @return {@code false} when the consumer cancelled: the model must stop generating and return with
     *         {@link dev.modelmanager.api.FinishReason#CANCELLED}
     */
    boolean accept(String piece);
}
