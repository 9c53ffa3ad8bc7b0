package dev.modelmanager.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.modelmanager.provider.llamacpp.gguf.GgufWriter;

/**
 * A llama-architecture GGUF with seeded random weights of a realistic shape, written at benchmark time (never
 * committed) and reused while a file of the same name and size is there. Generation speed depends on the bytes of
 * weights read per token, not on what the weights are, so random weights measure what a trained model of the same
 * shape would; uniform values of ±0.02 keep the activations finite, and norms are 1.
 *
 * <p>The tokenizer is SentencePiece ({@code llama}) with {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte
 * tokens {@code <0x00>..<0xFF>} and then whole words {@code ▁a, ▁b, ..., ▁z, ▁aa, ...} (every prefix of a word is a
 * word too, so SentencePiece's pairwise merges reach each whole word): a text of those words is one token a word.
 * The byte tokens are there for everything else a prompt holds (the chat template's markup, new lines), which
 * llama.cpp otherwise cannot tokenize (its byte fallback looks them up with {@code std::map::at}: without them
 * such a text aborts the JVM with {@code std::out_of_range}).
 * The output rows of the special and byte tokens are zero, so their logit is 0 while the largest of the words'
 * random logits is well above it: greedy decoding only ever produces words, each a non-empty piece.
 */
final class BenchmarkModel {
    /** Tokens before the first word: the three special tokens and the 256 byte tokens. */
    static final int FIRST_WORD = 3 + 256;
    private static final float LIMIT = 0.02f;
    /** Bump when what is written changes: the file name carries it, and a file is reused by name and size. */
    private static final int GENERATION = 1;

    /** The model's dimensions. */
    record Shape(String name, int layers, int embd, int ffn, int heads, int kvHeads, int vocab, int context) {
        int kvDim() {
            return embd / heads * kvHeads;
        }
    }

    /** 12 layers, hidden 1024, FFN 2816, 16 heads, 4 KV heads (GQA), vocabulary 32,000, context 4096: ~200 M parameters. */
    static final Shape FULL = new Shape("L12-E1024", 12, 1024, 2816, 16, 4, 32_000, 4096);
    /**
     * TinyLlama 1.1B's dimensions: 22 layers, hidden 2048, FFN 5632, 32 heads, 4 KV heads, vocabulary 32,000:
     * ~1.1 G parameters, larger than a CPU's caches, as the 0.5-8 B models users run are.
     */
    static final Shape LARGE = new Shape("L22-E2048", 22, 2048, 5632, 32, 4, 32_000, 4096);
    /** For {@code --smoke}: 2 layers, hidden 256, vocabulary 4,000. */
    static final Shape SMOKE = new Shape("L2-E256", 2, 256, 704, 4, 2, 4_000, 4096);

    /** The shape named {@code name} ({@link Shape#name()}, case ignored). */
    static Shape shape(String name) {
        for (Shape s : List.of(FULL, LARGE, SMOKE)) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no benchmark model shape " + name + "; there are " + FULL.name() + ", "
            + LARGE.name() + " and " + SMOKE.name());
    }

    final Shape shape;
    final GgufWriter.Type type;
    final Path file;
    private final List<String> words;

    private BenchmarkModel(Shape shape, GgufWriter.Type type, Path file, List<String> words) {
        this.shape = shape;
        this.type = type;
        this.file = file;
        this.words = words;
    }

    /** The model in {@code dir}: the file there if it has the size this shape and type give, else written now. */
    static BenchmarkModel prepare(Shape shape, GgufWriter.Type type, Path dir) throws IOException {
        List<String> words = words(shape.vocab() - FIRST_WORD);
        Path file = dir.resolve(String.format(Locale.ROOT, "synthetic-llama-%s-%s-g%d.gguf", shape.name(),
            type.name().toLowerCase(Locale.ROOT), GENERATION));
        GgufWriter writer = writer(shape, type, words);
        if (!Files.isRegularFile(file) || Files.size(file) != writer.size()) {
            long start = System.nanoTime();
            writer.write(file);
            System.out.printf(Locale.ROOT, "wrote %s (%.0f MB) in %.1f s%n", file, writer.size() / 1e6,
                (System.nanoTime() - start) / 1e9);
        }
        return new BenchmarkModel(shape, type, file, words);
    }

    /** {@code n} words of the vocabulary, seeded, separated by spaces: {@code n} tokens (with the space prefix). */
    String text(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(i == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
        }
        return text.toString();
    }

    long parameters() {
        long perLayer = 2L * shape.embd() * shape.embd() + 2L * shape.embd() * shape.kvDim()
            + 3L * shape.embd() * shape.ffn() + 2L * shape.embd();
        return shape.layers() * perLayer + 2L * shape.vocab() * shape.embd() + shape.embd();
    }

    /**
     * Weight bytes one decode step reads: every tensor but {@code token_embd.weight}, of which one row (the
     * norms' F32 included).
     */
    long weightBytesPerToken() {
        long perLayer = type.bytes(2L * shape.embd() * shape.embd() + 2L * shape.embd() * shape.kvDim()
            + 3L * shape.embd() * shape.ffn()) + 2L * 4 * shape.embd();
        return shape.layers() * perLayer + type.bytes((long) shape.vocab() * shape.embd()) + 4L * shape.embd()
            + type.bytes(shape.embd());
    }

    /** KV cache bytes one decode step reads at this position: keys and values of every layer so far, F16. */
    double kvBytesPerToken(double position) {
        return 2.0 * shape.layers() * shape.kvDim() * 2 * position;
    }

    long fileBytes() throws IOException {
        return Files.size(file);
    }

    private static GgufWriter writer(Shape s, GgufWriter.Type type, List<String> words) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3)); // unknown, control, control
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format(Locale.ROOT, "<0x%02X>", b));
            scores.add(0f);
            types.add(6); // byte
        }
        for (String word : words) {
            tokens.add("\u2581" + word);
            scores.add(-1f);
            types.add(1); // normal
        }
        GgufWriter w = new GgufWriter().put("general.architecture", "llama")
            .put("general.name", "synthetic-llama-" + s.name())
            .put("llama.context_length", s.context()).put("llama.embedding_length", s.embd())
            .put("llama.block_count", s.layers()).put("llama.feed_forward_length", s.ffn())
            .put("llama.attention.head_count", s.heads()).put("llama.attention.head_count_kv", s.kvHeads())
            .put("llama.rope.dimension_count", s.embd() / s.heads())
            .put("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .put("tokenizer.ggml.model", "llama").put("tokenizer.ggml.tokens", tokens)
            .put("tokenizer.ggml.scores", scores).put("tokenizer.ggml.token_type", types)
            .put("tokenizer.ggml.bos_token_id", 1).put("tokenizer.ggml.eos_token_id", 2)
            .put("tokenizer.ggml.unknown_token_id", 0).put("tokenizer.ggml.add_bos_token", false);
        GgufWriter.Values ones = i -> 1f;
        int embd = s.embd();
        GgufWriter.Values output = random(2);
        w.tensor("token_embd.weight", type, random(1), embd, s.vocab());
        w.tensor("output_norm.weight", GgufWriter.Type.F32, ones, embd);
        w.tensor("output.weight", type, i -> i / embd < FIRST_WORD ? 0f : output.at(i), embd, s.vocab());
        for (int l = 0; l < s.layers(); l++) {
            String b = "blk." + l + ".";
            long seed = 100L * (l + 1);
            w.tensor(b + "attn_norm.weight", GgufWriter.Type.F32, ones, embd);
            w.tensor(b + "attn_q.weight", type, random(seed + 1), embd, embd);
            w.tensor(b + "attn_k.weight", type, random(seed + 2), embd, s.kvDim());
            w.tensor(b + "attn_v.weight", type, random(seed + 3), embd, s.kvDim());
            w.tensor(b + "attn_output.weight", type, random(seed + 4), embd, embd);
            w.tensor(b + "ffn_norm.weight", GgufWriter.Type.F32, ones, embd);
            w.tensor(b + "ffn_gate.weight", type, random(seed + 5), embd, s.ffn());
            w.tensor(b + "ffn_up.weight", type, random(seed + 6), embd, s.ffn());
            w.tensor(b + "ffn_down.weight", type, random(seed + 7), s.ffn(), embd);
        }
        return w;
    }

    private static GgufWriter.Values random(long seed) {
        return GgufWriter.uniform(seed, LIMIT);
    }

    /** The first {@code n} strings over a..z by length, then alphabetically: every prefix of one is one too. */
    static List<String> words(int n) {
        List<String> words = new ArrayList<>(n);
        List<String> shorter = List.of("");
        while (words.size() < n) {
            List<String> longer = new ArrayList<>();
            for (String prefix : shorter) {
                for (char c = 'a'; c <= 'z' && words.size() < n; c++) {
                    longer.add(prefix + c);
                    words.add(prefix + c);
                }
            }
            shorter = longer;
        }
        return words;
    }
}
