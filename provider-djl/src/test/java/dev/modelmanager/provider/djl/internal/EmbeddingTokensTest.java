package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * What MiniLM read of each text, counted by the provider: a sentence's tokens are the tokenizer's (special tokens
 * included); a 2,000-word text is read to the provider's maximum (256) and says by how much it was cut, its vector
 * the one of the start it read; {@code truncate=false} refuses it naming the text and both numbers. Counted against
 * the tokenizer itself (DJL's, untruncated), not against numbers pasted here.
 */
class EmbeddingTokensTest {
    static final String SENTENCE = "A man is eating food.";
    static ModelManagerImpl manager;
    static HuggingFaceTokenizer plain;
    static String longText;

    @BeforeAll
    static void start() throws Exception {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new DjlProvider(), Map.of("service.id", 1L));
        manager.register("minilm", ModelRequirement.builder(ModelType.EMBEDDING, "all-MiniLM-L6-v2").dimension(384)
            .cacheEmbeddings(false).source(new ModelSource.Classpath(null, List.of(
                "onnx/model.onnx=all-minilm-l6-v2.onnx", "tokenizer.json=all-minilm-l6-v2-tokenizer.json"))).build(),
            "test");
        manager.register("minilm-q", ModelRequirement.builder(ModelType.EMBEDDING, "all-MiniLM-L6-v2-q").dimension(384)
            .cacheEmbeddings(false).source(new ModelSource.Classpath(null, List.of(
                "onnx/model.onnx=all-minilm-l6-v2-q.onnx", "tokenizer.json=all-minilm-l6-v2-q-tokenizer.json")))
            .build(), "test");
        plain = HuggingFaceTokenizer.builder().optTokenizerPath(Fixtures.extract("all-minilm-l6-v2-tokenizer.json"))
            .optTruncation(false).optPadding(false).build();
        StringBuilder text = new StringBuilder();
        List<String> sentences = Fixtures.reference("all-minilm-l6-v2.json").inputs();
        for (int words = 0, i = 0; words < 2000; i++) {
            String s = sentences.get(i % sentences.size());
            text.append(s).append(' ');
            words += s.split("\\s+").length;
        }
        longText = text.toString().strip();
    }

    @AfterAll
    static void stop() {
        manager.close();
        plain.close();
    }

    static int tokens(String text) {
        return plain.encode(text).getIds().length;
    }

    @Test
    void aSentenceSaysTheTokensTheTokenizerGivesIt() {
        EmbeddingResult r = manager.embed("minilm", List.of(SENTENCE));
        Embedding e = r.embeddings().get(0);
        assertThat(e.tokens()).as("[CLS] a man is eating food . [SEP]").isEqualTo(tokens(SENTENCE)).isEqualTo(8);
        assertThat(e.truncatedTokens()).isZero();
        assertThat(r.totalTokens()).isEqualTo(8);
        assertThat(r.truncationKnown()).isTrue();
        assertThat(manager.embed("minilm-q", List.of(SENTENCE)).embeddings().get(0).tokens()).as("quantized, alone")
            .isEqualTo(8);
    }

    @Test
    void aLongTextIsReadToTheMaximumSaysByHowMuchItWasCutAndHasTheVectorOfItsStart() {
        assertThat(manager.info("minilm").details()).containsEntry("max.input.length", "256");
        int full = tokens(longText);
        assertThat(longText.split("\\s+").length).isGreaterThanOrEqualTo(2000);
        EmbeddingResult r = manager.embed("minilm", List.of(SENTENCE, longText));
        Embedding cut = r.embeddings().get(1);
        assertThat(cut.tokens()).isEqualTo(256);
        assertThat(cut.truncatedTokens()).isEqualTo(full - 256);
        assertThat(cut.untruncatedTokens()).isEqualTo(full);
        assertThat(r.totalTokens()).isEqualTo(8 + 256);
        assertThat(r.truncatedIndices()).containsExactly(1);

        // The start the model read, as text again: 254 word pieces between [CLS] and [SEP]. Embedded on its own, it
        // fits, and gives the same vector.
        long[] ids = plain.encode(longText).getIds();
        String start = plain.decode(Arrays.copyOfRange(ids, 1, 255), true);
        EmbeddingResult read = manager.embed("minilm", List.of(start));
        assertThat(read.embeddings().get(0).tokens()).isEqualTo(256);
        assertThat(read.embeddings().get(0).truncated()).isFalse();
        assertThat(cosine(read.vectors().get(0), cut.vector())).isGreaterThanOrEqualTo(0.99999);
        // Alone or batched with a short one, the same vector.
        assertThat(cosine(manager.embed("minilm", List.of(longText)).vectors().get(0), cut.vector()))
            .isGreaterThanOrEqualTo(0.99999);
    }

    @Test
    void truncateFalseRefusesNamingTheTextItsTokensAndTheMaximum() {
        int full = tokens(longText);
        assertThatThrownBy(() -> manager.embed("minilm", List.of(SENTENCE, longText),
            EmbeddingOptions.DEFAULTS.withTruncate(false)))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("texts[1]");
                assertThat(e.getMessage()).contains("has " + full + " tokens").contains("the 256 the model reads");
            });
        assertThat(manager.embed("minilm", List.of(SENTENCE), EmbeddingOptions.DEFAULTS.withTruncate(false))
            .totalTokens()).isEqualTo(8);
    }

    @Test
    void theCountedPathGivesTheVectorsOfThePlainOne() throws Exception {
        Fixtures.Reference ref = Fixtures.reference("all-minilm-l6-v2.json");
        List<String> inputs = new java.util.ArrayList<>(ref.inputs());
        inputs.add(longText);
        ModelRequirement req = ModelRequirement.builder(ModelType.EMBEDDING, "all-MiniLM-L6-v2").build();
        DjlProvider provider = new DjlProvider();
        try (DjlEmbedder model = (DjlEmbedder) provider.load(new dev.modelmanager.api.spi.LoadRequest("m", req,
            new dev.modelmanager.api.spi.DeviceInfo("cpu", "cpu", -1, -1, 1), "m#0",
            new dev.modelmanager.api.spi.ModelFiles(null, null, Map.of(
                "onnx/model.onnx", Fixtures.extract("all-minilm-l6-v2.onnx"),
                "tokenizer.json", Fixtures.extract("all-minilm-l6-v2-tokenizer.json")))))) {
            List<float[]> plainVectors = model.embed(inputs);
            dev.modelmanager.api.spi.EmbeddingModel.Encoded counted = model.embedEncoded(inputs, null);
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(counted.vectors().get(i)).as(inputs.get(i)).containsExactly(plainVectors.get(i));
                assertThat(counted.tokens().get(i)).as(inputs.get(i)).isEqualTo(Math.min(256, tokens(inputs.get(i))));
            }
        } finally {
            provider.close();
        }
    }

    static double cosine(float[] a, float[] b) {
        double[] d = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            d[k] = a[k];
        }
        return Fixtures.cosine(d, b);
    }
}
