package dev.modelmanager.core.internal.inference;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.modelmanager.core.internal.lifecycle.Binding;

/**
 * The inference calls of one requester: text (embedding, classification, text2text), ranking and generation, each
 * counting its calls for that requester. Stateless besides their settings, so one per bundle costs nothing, and one
 * per call of a client (below) little.
 *
 * <p>When a model's slots are all busy, calls wait in its queue, where requesters take turns. A requester that
 * serves clients of its own (the REST faces: HTTP clients) can have each client take turns of its own: calls made
 * {@link #of(Supplier, Function, String, String) for a client} wait as {@code requester/client} and are still
 * counted for the requester.
 */
public record Inference(String requester, TextInference text, RankingInference ranking,
                        GenerationInference generation) {

    /** Calls counted for {@code requester}, waiting in queues as {@code requester}. */
    public static Inference of(Supplier<? extends InferenceSettings> settings, Function<String, Binding> resolver,
                               String requester) {
        return of(settings, resolver, requester, new CallRunner(settings, requester));
    }

    /**
     * Calls counted for {@code requester}, waiting in queues as one client of it: {@code requester + "/" + client}
     * (a bundle's symbolic name has no {@code /}, so no client's turns are a bundle's).
     */
    public static Inference of(Supplier<? extends InferenceSettings> settings, Function<String, Binding> resolver,
                               String requester, String client) {
        return of(settings, resolver, requester, new CallRunner(settings, requester + "/" + client));
    }

    private static Inference of(Supplier<? extends InferenceSettings> settings, Function<String, Binding> resolver,
                                String requester, CallRunner calls) {
        TextInference text = new TextInference(calls, resolver, requester);
        return new Inference(requester, text, new RankingInference(calls, resolver, text, requester),
            new GenerationInference(calls, resolver, requester));
    }
}
