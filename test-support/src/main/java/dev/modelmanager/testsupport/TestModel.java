package dev.modelmanager.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.api.spi.ChatModel;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.Text2TextModel;
import dev.modelmanager.api.spi.TokenSink;

/** The deterministic "models" of the {@code test} provider, one class per model type. */
public abstract class TestModel implements LoadedModel {
    static final int DEFAULT_DIMENSION = 384;
    static final int BUCKET_ROWS = 64;

    private final String device;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    protected final ModelRequirement requirement;

    TestModel(ModelRequirement requirement, String device, Runnable onClose) {
        this.requirement = requirement;
        this.device = device;
        this.onClose = onClose;
    }

    /** Tells the provider about the embedding and classification calls its models receive. */
    interface Calls {
        /** A call of {@code size} texts begins. */
        void started(int size);

        /** A call of these texts begins (by default: of their number). */
        default void started(List<String> texts) {
            started(texts.size());
        }

        /** An embedding call has ended (classification calls end as they begin). */
        default void ended() {
        }
    }

    static TestModel create(ModelRequirement requirement, String device, Runnable onClose,
                            Calls embedBatches) {
        return switch (requirement.modelType()) {
            case EMBEDDING -> new Embedder(requirement, device, onClose, embedBatches);
            case TEXT_GENERATION -> new Generator(requirement, device, onClose);
            case TEXT2TEXT -> new Reverser(requirement, device, onClose);
            case CLASSIFICATION -> new SentimentClassifier(requirement, device, onClose, embedBatches);
        };
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public long memoryBytes() {
        return (long) DEFAULT_DIMENSION * Float.BYTES * BUCKET_ROWS;
    }

    @Override
    public Map<String, String> details() {
        return Map.of("algorithm", getClass().getSimpleName());
    }

    @Override
    public dev.modelmanager.api.spi.BatchPolicy batchPolicy() {
        return "per_call".equals(requirement.options().get(TestModelProvider.BATCH_POLICY))
            ? dev.modelmanager.api.spi.BatchPolicy.PER_CALL : dev.modelmanager.api.spi.BatchPolicy.COMBINE;
    }

    @Override
    public int concurrency() {
        return Integer.parseInt(requirement.options().getOrDefault(TestModelProvider.CONCURRENCY, "0"));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Fails the way a broken model would when asked to, and refuses calls on a closed instance. */
    protected void check() {
        if (closed.get()) {
            throw new IllegalStateException("the model is closed");
        }
        String failure = requirement.options().get(TestModelProvider.FAIL_INFERENCE);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    static List<String> words(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.toLowerCase(Locale.ROOT).split("\\s+"));
    }

    static String reversedWords(String text) {
        List<String> words = new ArrayList<>(Arrays.asList(text.trim().split("\\s+")));
        java.util.Collections.reverse(words);
        return String.join(" ", words).trim();
    }

    /** Feature hashing of words and character trigrams, L2-normalised. */
    static final class Embedder extends TestModel implements EmbeddingModel {
        private final int dimension;
        private final Calls batches;
        private final long batchDelayMillis;

        Embedder(ModelRequirement requirement, String device, Runnable onClose, Calls batches) {
            super(requirement, device, onClose);
            this.batches = batches;
            this.batchDelayMillis = Long.parseLong(requirement.options().getOrDefault(TestModelProvider.BATCH_DELAY_MS,
                "0"));
            String produced = requirement.options().get(TestModelProvider.PRODUCE_DIMENSION);
            this.dimension = produced != null ? Integer.parseInt(produced)
                : requirement.dimension() != null ? requirement.dimension() : DEFAULT_DIMENSION;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public Map<String, String> prompts() {
            Map<String, String> prompts = new java.util.LinkedHashMap<>();
            String spec = requirement.options().get(TestModelProvider.PROMPTS);
            if (spec != null) {
                for (String entry : spec.split(";")) {
                    int eq = entry.indexOf('=');
                    prompts.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return prompts;
        }

        @Override
        public List<float[]> embed(List<String> texts, String promptName) throws InterruptedException {
            return embedEncoded(texts, promptName).vectors();
        }

        @Override
        public List<float[]> embed(List<String> texts) throws InterruptedException {
            return embedEncoded(texts, null).vectors();
        }

        /**
         * Tokens are words plus two (as BERT's {@code [CLS]} and {@code [SEP]}); a text longer than the requirement's
         * {@code max_input_length} is embedded by its first words, as a real model reads only its start. Counted as
         * {@link TestModelProvider#COUNT_TOKENS} says.
         */
        @Override
        public Encoded embedEncoded(List<String> texts, String promptName) throws InterruptedException {
            String prompt = "";
            if (promptName != null) {
                prompt = prompts().get(promptName);
                if (prompt == null) {
                    throw dev.modelmanager.api.ModelException.invalidInput(null, "prompt_name", "no prompt '"
                        + promptName + "'");
                }
            }
            int max = requirement.maxInputLength() == null ? Integer.MAX_VALUE : requirement.maxInputLength();
            int[] tokens = new int[texts.size()];
            int[] cut = new int[texts.size()];
            List<String> read = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                String text = prompt + texts.get(i);
                List<String> words = words(text);
                int n = words.size() + 2;
                if (n > max) {
                    text = String.join(" ", words.subList(0, Math.max(0, max - 2)));
                    cut[i] = n - max;
                    n = max;
                }
                tokens[i] = n;
                read.add(text);
            }
            List<float[]> vectors = vectors(read);
            return switch (requirement.options().getOrDefault(TestModelProvider.COUNT_TOKENS, "words")) {
                case "none" -> Encoded.uncounted(vectors);
                case "total" -> Encoded.totalOnly(vectors, java.util.Arrays.stream(tokens).asLongStream().sum());
                default -> Encoded.counted(vectors, tokens, cut);
            };
        }

        private List<float[]> vectors(List<String> texts) throws InterruptedException {
            check();
            batches.started(texts);
            try {
                if (batchDelayMillis > 0) {
                    Thread.sleep(batchDelayMillis); // a fixed cost per call, as a kernel launch on an accelerator
                }
                List<float[]> vectors = new ArrayList<>(texts.size());
                for (String text : texts) {
                    vectors.add(embed(text));
                }
                return vectors;
            } finally {
                batches.ended();
            }
        }

        private float[] embed(String text) {
            float[] v = new float[dimension];
            for (String word : words(text)) {
                add(v, "w:" + word, 2f);
                String padded = "^" + word + "$";
                for (int i = 0; i + 3 <= padded.length(); i++) {
                    add(v, "t:" + padded.substring(i, i + 3), 1f);
                }
            }
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            if (norm > 0) {
                float inv = (float) (1 / Math.sqrt(norm));
                for (int i = 0; i < v.length; i++) {
                    v[i] *= inv;
                }
            }
            return v;
        }

        private void add(float[] v, String feature, float weight) {
            int h = fnv1a(feature);
            v[Math.floorMod(h, dimension)] += (h & 0x40000000) == 0 ? weight : -weight;
        }

        private static int fnv1a(String s) {
            int h = 0x811c9dc5;
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x01000193;
            }
            return h;
        }
    }

    /** Generates the prompt's words in reverse order, one word per token. */
    static final class Generator extends TestModel implements GenerationModel, ChatModel {
        Generator(ModelRequirement requirement, String device, Runnable onClose) {
            super(requirement, device, onClose);
        }

        @Override
        public Completion generate(String prompt, GenerationOptions options, TokenSink sink) throws Exception {
            check();
            List<String> promptWords = words(prompt);
            List<String> tokens = new ArrayList<>(promptWords);
            java.util.Collections.reverse(tokens);
            int max = options.maxOutputLength() == null ? Integer.MAX_VALUE : options.maxOutputLength();
            long delay = Long.parseLong(requirement.options().getOrDefault(TestModelProvider.TOKEN_DELAY_MS, "0"));
            StringBuilder text = new StringBuilder();
            int produced = 0;
            FinishReason reason = FinishReason.STOP;
            for (String token : tokens) {
                if (produced == max) {
                    reason = FinishReason.LENGTH;
                    break;
                }
                String piece = (produced == 0 ? "" : " ") + token;
                if (options.stop().stream().anyMatch(token::equals)) {
                    break;
                }
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                check();
                produced++;
                text.append(piece);
                if (!sink.accept(piece)) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
            }
            return new Completion(text.toString(), reason, new TokenUsage(promptWords.size(), produced));
        }

        @Override
        public Completion chat(List<ChatMessage> messages, GenerationOptions options, TokenSink sink) throws Exception {
            String last = "";
            for (ChatMessage message : messages) {
                if (message.role() == ChatMessage.Role.USER) {
                    last = message.content();
                }
            }
            return generate(last, options, sink);
        }
    }

    /** Maps each input to its words in reverse order. */
    static final class Reverser extends TestModel implements Text2TextModel {
        Reverser(ModelRequirement requirement, String device, Runnable onClose) {
            super(requirement, device, onClose);
        }

        @Override
        public List<String> transform(List<String> inputs, GenerationOptions options) {
            check();
            return inputs.stream().map(TestModel::reversedWords).toList();
        }
    }

    /** Counts lexicon words (a "not" flips the next one) and scores by softmax. */
    static final class SentimentClassifier extends TestModel implements ClassificationModel {
        private static final Set<String> POSITIVE = Set.of("good", "great", "love", "loved", "excellent", "happy",
            "wonderful", "fun", "nice", "best");
        private static final Set<String> NEGATIVE = Set.of("bad", "terrible", "hate", "hated", "awful", "sad",
            "boring", "worst", "poor", "broken");

        private final Calls batches;
        private final long batchDelayMillis;

        SentimentClassifier(ModelRequirement requirement, String device, Runnable onClose,
                            Calls batches) {
            super(requirement, device, onClose);
            this.batches = batches;
            this.batchDelayMillis = Long.parseLong(requirement.options().getOrDefault(TestModelProvider.BATCH_DELAY_MS,
                "0"));
        }

        @Override
        public List<List<LabelScore>> classify(List<String> texts) throws InterruptedException {
            check();
            batches.started(texts.size());
            batches.ended();
            if (batchDelayMillis > 0) {
                Thread.sleep(batchDelayMillis);
            }
            List<List<LabelScore>> out = new ArrayList<>(texts.size());
            for (String text : texts) {
                double score = 0;
                boolean negate = false;
                for (String word : words(text.replaceAll("[^\\p{L}\\s']", " "))) {
                    int polarity = POSITIVE.contains(word) ? 1 : NEGATIVE.contains(word) ? -1 : 0;
                    score += negate ? -polarity : polarity;
                    negate = word.equals("not") || word.endsWith("n't");
                }
                double positive = 1 / (1 + Math.exp(-score));
                out.add(List.of(new LabelScore("NEGATIVE", 1 - positive), new LabelScore("POSITIVE", positive)));
            }
            return out;
        }

        /** A pair scores as its two texts read one after the other. */
        @Override
        public List<List<LabelScore>> classifyPairs(List<dev.modelmanager.api.TextPair> pairs)
            throws InterruptedException {
            return classify(pairs.stream().map(p -> p.text() + " " + p.textPair()).toList());
        }
    }
}
