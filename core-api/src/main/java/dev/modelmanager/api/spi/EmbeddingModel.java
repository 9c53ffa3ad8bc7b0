package dev.modelmanager.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.Embedding;

/** A loaded model that embeds text. */
@ConsumerType
public interface EmbeddingModel extends LoadedModel {
    /** The length of every vector it returns. */
    int dimension();

    /** One vector per text, in order. The list holds at most the requirement's {@code batch_size} texts. */
    List<float[]> embed(List<String> texts) throws Exception;

    /**
     * One vector per text, each text prefixed with the model's prompt {@code promptName} (sentence-transformers'
     * named prompts, e.g. {@code query}); {@code null} means the model's default prompt, if it has one. Texts of
     * one list share a prompt.
     *
     * @throws dev.modelmanager.api.ModelException {@link dev.modelmanager.api.ErrorCode#INVALID_INPUT} naming
     *         {@code prompt_name} for a prompt the model does not have
     */
    default List<float[]> embed(List<String> texts, String promptName) throws Exception {
        if (promptName != null) {
            throw dev.modelmanager.api.ModelException.invalidInput(null, "prompt_name",
                "the model has no prompts, so none named '" + promptName + "'");
        }
        return embed(texts);
    }

    /**
     * As {@link #embed(List, String)}, with what the model read of each text: its tokens and those it cut off to fit
     * its maximum input length. The manager calls this one; the default answers {@link #embed(List, String)}'s
     * vectors with every count {@link Embedding#UNKNOWN}. A provider that counts tokens overrides it (and may then
     * implement {@code embed} through it). Texts are truncated here as the model does it; the manager refuses a
     * truncated text itself when its caller asked it to ({@code truncate=false}).
     */
    default Encoded embedEncoded(List<String> texts, String promptName) throws Exception {
        return Encoded.uncounted(embed(texts, promptName));
    }

    /** The model's named prompts (name to the text put before an input); empty when it has none. */
    default Map<String, String> prompts() {
        return Map.of();
    }

    /**
     * The vectors of some texts with what the model read of them. A count the provider cannot tell is
     * {@link Embedding#UNKNOWN}, never 0.
     *
     * @param vectors         one per text, in order
     * @param tokens          per text: the tokens the model read (special tokens and the prompt included, after
     *                        truncation), or {@link Embedding#UNKNOWN}
     * @param truncatedTokens per text: the tokens cut off its end (0: none), or {@link Embedding#UNKNOWN}
     * @param totalTokens     the tokens read of all the texts: the sum of {@code tokens} when each is known; else
     *                        what the engine said of the call as a whole (OpenAI's {@code usage.prompt_tokens}), or
     *                        {@link Embedding#UNKNOWN}
     */
    record Encoded(List<float[]> vectors, List<Integer> tokens, List<Integer> truncatedTokens, long totalTokens) {
        public Encoded {
            vectors = Collections.unmodifiableList(new ArrayList<>(vectors)); // List.copyOf refuses null vectors
            tokens = List.copyOf(tokens);
            truncatedTokens = List.copyOf(truncatedTokens);
            if (tokens.size() != vectors.size() || truncatedTokens.size() != vectors.size()) {
                throw new IllegalArgumentException("one token count and one truncation per vector: " + vectors.size()
                    + " vectors, " + tokens.size() + " and " + truncatedTokens.size() + " counts");
            }
            long sum = 0;
            boolean allKnown = true;
            for (int i = 0; i < vectors.size(); i++) {
                if (tokens.get(i) < Embedding.UNKNOWN || truncatedTokens.get(i) < Embedding.UNKNOWN) {
                    throw new IllegalArgumentException("token counts must be >= 0, or UNKNOWN (-1); text " + i
                        + " has " + tokens.get(i) + " and " + truncatedTokens.get(i));
                }
                allKnown &= tokens.get(i) != Embedding.UNKNOWN;
                sum += tokens.get(i);
            }
            if (allKnown && !vectors.isEmpty() && totalTokens != sum) {
                throw new IllegalArgumentException("totalTokens " + totalTokens + " is not the texts' sum " + sum);
            }
            if (totalTokens < Embedding.UNKNOWN) {
                throw new IllegalArgumentException("totalTokens must be >= 0, or UNKNOWN (-1); was " + totalTokens);
            }
        }

        /** Vectors whose counts the provider cannot tell. */
        public static Encoded uncounted(List<float[]> vectors) {
            return new Encoded(vectors, Collections.nCopies(vectors.size(), Embedding.UNKNOWN),
                Collections.nCopies(vectors.size(), Embedding.UNKNOWN), Embedding.UNKNOWN);
        }

        /** Vectors with each text's tokens read and tokens cut off. */
        public static Encoded counted(List<float[]> vectors, int[] tokens, int[] truncatedTokens) {
            List<Integer> read = new ArrayList<>(tokens.length);
            List<Integer> cut = new ArrayList<>(truncatedTokens.length);
            long total = 0;
            for (int t : tokens) {
                read.add(t);
                total = total < 0 || t < 0 ? Embedding.UNKNOWN : total + t;
            }
            for (int t : truncatedTokens) {
                cut.add(t);
            }
            return new Encoded(vectors, read, cut, total);
        }

        /**
         * Vectors of a call the engine counted only as a whole ({@code totalTokens}, or {@link Embedding#UNKNOWN}):
         * a single text's count is that total; truncation is unknown.
         */
        public static Encoded totalOnly(List<float[]> vectors, long totalTokens) {
            int n = vectors.size();
            List<Integer> read = n == 1 && totalTokens >= 0 && totalTokens <= Integer.MAX_VALUE
                ? List.of((int) totalTokens) : Collections.nCopies(n, Embedding.UNKNOWN);
            return new Encoded(vectors, read, Collections.nCopies(n, Embedding.UNKNOWN), totalTokens);
        }

        public int size() {
            return vectors.size();
        }
    }
}
