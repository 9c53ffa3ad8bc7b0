package dev.modelmanager.provider.llamacpp.internal;

import java.util.ArrayList;
import java.util.List;

import dev.modelmanager.provider.llamacpp.gguf.GgufWriter;

/**
 * A llama-architecture GGUF with chosen weights whose behaviour is known exactly: token embeddings are one-hot,
 * attention and feed-forward weights are zero (so each position's hidden state is its own token's embedding),
 * and the output matrix maps each letter token to the next letter. Greedy generation from "a" therefore counts
 * "b c d ..."; the last-token embedding of a text points at its last token.
 */
final class SyntheticModel {
    /** Vocabulary: unknown, begin, end, then the letters a..p as SentencePiece words. */
    static final List<String> TOKENS = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    static final int LETTERS = 16;
    static final int VOCAB;
    static final int EMBD;

    static {
        for (char c = 'a'; c < 'a' + LETTERS; c++) {
            TOKENS.add("\u2581" + c);
        }
        VOCAB = TOKENS.size();
        EMBD = 32; // >= VOCAB, so that every token has its own axis
    }

    private SyntheticModel() {
    }

    static byte[] gguf() {
        int layers = 1;
        int heads = 4;
        int ffn = 32;
        GgufWriter w = new GgufWriter()
            .put("general.architecture", "llama").put("general.name", "synthetic-counter")
            .put("llama.context_length", 128).put("llama.embedding_length", EMBD).put("llama.block_count", layers)
            .put("llama.feed_forward_length", ffn).put("llama.attention.head_count", heads)
            .put("llama.attention.head_count_kv", heads).put("llama.rope.dimension_count", EMBD / heads)
            .put("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .put("tokenizer.ggml.model", "llama").put("tokenizer.ggml.tokens", TOKENS)
            .put("tokenizer.ggml.scores", scores()).put("tokenizer.ggml.token_type", types())
            .put("tokenizer.ggml.bos_token_id", 1).put("tokenizer.ggml.eos_token_id", 2)
            .put("tokenizer.ggml.unknown_token_id", 0).put("tokenizer.ggml.add_bos_token", false);
        // ggml shapes: {n_embd, n_vocab} means n_vocab rows of n_embd values.
        float[] embeddings = new float[EMBD * VOCAB];
        float[] output = new float[EMBD * VOCAB];
        for (int t = 0; t < VOCAB; t++) {
            embeddings[t * EMBD + t] = 1f;
        }
        for (int v = 4; v < VOCAB; v++) {
            output[v * EMBD + (v - 1)] = 10f; // after letter v-1 comes letter v
        }
        w.tensor("token_embd.weight", embeddings, EMBD, VOCAB);
        w.tensor("output_norm.weight", ones(EMBD), EMBD);
        w.tensor("output.weight", output, EMBD, VOCAB);
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            w.tensor(b + "attn_norm.weight", ones(EMBD), EMBD);
            w.tensor(b + "attn_q.weight", EMBD, EMBD);
            w.tensor(b + "attn_k.weight", EMBD, EMBD);
            w.tensor(b + "attn_v.weight", EMBD, EMBD);
            w.tensor(b + "attn_output.weight", EMBD, EMBD);
            w.tensor(b + "ffn_norm.weight", ones(EMBD), EMBD);
            w.tensor(b + "ffn_gate.weight", EMBD, ffn);
            w.tensor(b + "ffn_up.weight", EMBD, ffn);
            w.tensor(b + "ffn_down.weight", ffn, EMBD);
        }
        return w.bytes();
    }

    private static List<Float> scores() {
        List<Float> scores = new ArrayList<>();
        for (int i = 0; i < VOCAB; i++) {
            scores.add(i < 3 ? 0f : -1f);
        }
        return scores;
    }

    private static List<Integer> types() {
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3)); // unknown, control, control
        for (int i = 3; i < VOCAB; i++) {
            types.add(1);
        }
        return types;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
