package dev.modelmanager.core.internal.inference;

import java.util.ArrayList;
import java.util.List;

import dev.modelmanager.api.spi.EmbeddingModel;

/**
 * One text's vector as the provider computed it, with what the model read of it and the provider call it came from
 * ({@code call}: the same object for every text of that call, so that a count the engine gave only for the whole
 * call can be used where the call was all one caller's texts).
 */
record EncodedText(float[] vector, int tokens, int truncatedTokens, EmbeddingModel.Encoded call) {
    /** One per text of the call, in order. */
    static List<EncodedText> of(EmbeddingModel.Encoded call) {
        if (call == null) {
            return null; // the callers report a provider that answered nothing
        }
        List<EncodedText> out = new ArrayList<>(call.size());
        for (int i = 0; i < call.size(); i++) {
            out.add(new EncodedText(call.vectors().get(i), call.tokens().get(i), call.truncatedTokens().get(i), call));
        }
        return out;
    }
}
