package dev.modelmanager.langchain4j;

import java.util.Objects;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

/**
 * LangChain4j's common chat parameters and what the model manager adds: a {@link #seed()} for reproducible
 * sampling. Pass it as a {@code ChatRequest}'s parameters, or as an adapter's defaults
 * ({@link ManagedModels#chatModel(dev.modelmanager.api.GeneratorRef, ChatRequestParameters)}).
 */
public class ModelManagerChatRequestParameters extends DefaultChatRequestParameters {
    private final Long seed;

    protected ModelManagerChatRequestParameters(Builder builder) {
        super(builder);
        this.seed = builder.seed;
    }

    /** The random seed of the sampling, or {@code null} for the model's. */
    public Long seed() {
        return seed;
    }

    @Override
    public ChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public ChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelManagerChatRequestParameters that && super.equals(o)
            && Objects.equals(seed, that.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), seed);
    }

    @Override
    public String toString() {
        return "ModelManagerChatRequestParameters{seed=" + seed + ", " + super.toString() + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ModelManagerChatRequestParameters}. */
    public static final class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Long seed;

        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof ModelManagerChatRequestParameters ours && ours.seed != null) {
                seed = ours.seed;
            }
            return this;
        }

        public Builder seed(Long value) {
            this.seed = value;
            return this;
        }

        @Override
        public ModelManagerChatRequestParameters build() {
            return new ModelManagerChatRequestParameters(this);
        }
    }
}
