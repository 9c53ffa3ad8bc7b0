package dev.modelmanager.core.internal.inference;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.modelmanager.core.internal.lifecycle.Binding;

/**
 * The inference calls of one requester: text (embedding, classification, text2text), ranking and generation, each
 * counting its calls for that requester. Stateless besides their settings, so one per bundle costs nothing.
 */
public record Inference(String requester, TextInference text, RankingInference ranking,
                        GenerationInference generation) {

    public static Inference of(Supplier<? extends InferenceSettings> settings, Function<String, Binding> resolver,
                               String requester) {
        TextInference text = new TextInference(settings, resolver, requester);
        return new Inference(requester, text, new RankingInference(settings, resolver, text, requester),
            new GenerationInference(settings, resolver, requester));
    }
}
