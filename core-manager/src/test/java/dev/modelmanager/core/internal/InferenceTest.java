package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.Classification;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.ResponseFormat;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.testsupport.TestModelProvider;

class InferenceTest {
    private final Fixture fixture = new Fixture();
    private final ModelManagerImpl manager = fixture.manager;

    @AfterEach
    void close() {
        fixture.close();
    }

    private static void assertCode(Runnable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messageParts);
        });
    }

    @Test
    void embeddingsComeInInputOrderWithTheirMetadataAcrossBatches() {
        manager.register("docs", embedding().batchSize(4).build(), "a");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            texts.add("document number " + i);
        }
        EmbeddingResult result = manager.embed("docs", texts);
        assertThat(result.modelId()).isEqualTo("docs");
        assertThat(result.embeddings()).hasSize(11);
        for (int i = 0; i < texts.size(); i++) {
            Embedding e = result.embeddings().get(i);
            assertThat(e.dimension()).isEqualTo(384);
            assertThat(e.cached()).isFalse();
            assertThat(e.workerId()).isEqualTo("docs#0");
            assertThat(e.device()).isEqualTo("cpu");
            assertThat(e.vector()).containsExactly(manager.embed("docs", List.of(texts.get(i))).vectors().get(0));
        }
        assertThat(result.processingTime()).isPositive();
        // Each call counts once, however many batches it was split into: the bulk call and the 11 single ones.
        assertThat(manager.info("docs").requests()).isEqualTo(1 + 11);
        assertThat(manager.info("docs").stats().items()).isEqualTo(11 + 11);
    }

    @Test
    void generationChatAndTransformReturnTextWithUsage() {
        manager.register("story", generation().maxOutputLength(3).build(), "a");
        GenerationResult result = manager.generate("story", "one two three four five", null);
        assertThat(result.text()).isEqualTo("five four three");
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.usage()).isEqualTo(new TokenUsage(5, 3));
        assertThat(result.workerId()).isEqualTo("story#0");

        GenerationResult perCall = manager.generate("story", "a b c d", GenerationOptions.builder().maxOutputLength(10).build());
        assertThat(perCall.text()).isEqualTo("d c b a");
        assertThat(perCall.finishReason()).isEqualTo(FinishReason.STOP);

        GenerationResult chat = manager.chat("story",
            List.of(ChatMessage.system("be brief"), ChatMessage.user("hello there")), null);
        assertThat(chat.text()).isEqualTo("there hello");

        manager.register("fr", ModelRequirement.builder(ModelType.TEXT2TEXT, "tiny-t5-en-fr").build(), "a");
        assertThat(manager.transform("fr", List.of("the black cat", "a b"), null).outputs())
            .containsExactly("cat black the", "b a");
    }

    @Test
    void aShapeOfOutputTheModelCannotHoldToIsRefusedBeforeItRuns() {
        manager.register("story", generation().build(), "a");
        manager.register("fr", ModelRequirement.builder(ModelType.TEXT2TEXT, "tiny-t5-en-fr").build(), "a");
        GenerationOptions json = GenerationOptions.builder().responseFormat(ResponseFormat.JSON_OBJECT).build();
        GenerationOptions schema = GenerationOptions.builder()
            .responseFormat(ResponseFormat.jsonSchema("{\"type\": \"object\"}")).build();
        for (Runnable call : List.<Runnable>of(() -> manager.generate("story", "a b", json),
            () -> manager.chat("story", List.of(ChatMessage.user("hi")), schema),
            () -> manager.generateAsync("story", "a b", json).toCompletableFuture().join(),
            () -> manager.transform("fr", List.of("a b"), schema))) {
            assertThatThrownBy(call::run).satisfies(t -> {
                ModelException e = (ModelException) (t instanceof ModelException ? t : t.getCause());
                assertThat(e.code()).isEqualTo(ErrorCode.CAPABILITY_MISSING);
                assertThat(e.field()).isEqualTo("response_format");
                assertThat(e.getMessage()).contains("cannot hold its output to json_").contains("[text]");
            });
        }
        long before = manager.info("story").requests();
        assertThat(manager.generate("story", "a b", GenerationOptions.builder()
            .responseFormat(ResponseFormat.TEXT).build()).text()).isEqualTo("b a");
        assertThat(manager.info("story").requests()).isEqualTo(before + 1);
    }

    @Test
    void classificationSortsLabelsAndAppliesTheThreshold() {
        manager.register("sentiment", ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment")
            .threshold(0.5).build(), "a");
        ClassificationResult result = manager.classify("sentiment",
            List.of("what a great movie", "the concert was not boring", "terrible and awful"));
        List<String> top = result.classifications().stream().map(Classification::top).map(l -> l.label()).toList();
        assertThat(top).containsExactly("POSITIVE", "POSITIVE", "NEGATIVE");
        assertThat(result.classifications()).allSatisfy(c -> assertThat(c.labels()).hasSize(1));

        manager.register("all-labels", ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment").build(), "a");
        Classification both = manager.classify("all-labels", List.of("good")).classifications().get(0);
        assertThat(both.labels()).hasSize(2);
        assertThat(both.labels().get(0).score()).isGreaterThan(both.labels().get(1).score());
    }

    @Test
    void zeroShotClassificationScoresTextsAgainstLabelsWithAnyEmbeddingModel() {
        manager.register("docs", embedding().build(), "a");
        ClassificationResult result = manager.classifyZeroShot("docs",
            List.of("stock markets and shares", "football match tonight"), List.of("football", "stock markets", "cooking"));
        assertThat(result.classifications().get(0).top().label()).isEqualTo("stock markets");
        assertThat(result.classifications().get(1).top().label()).isEqualTo("football");
        assertThat(result.classifications().get(0).labels()).hasSize(3);
        assertCode(() -> manager.classifyZeroShot("docs", List.of("x"), List.of("one")), ErrorCode.INVALID_INPUT,
            "candidate_labels");
        manager.register("story", generation().build(), "a");
        assertCode(() -> manager.classifyZeroShot("story", List.of("x"), List.of("a", "b")),
            ErrorCode.CAPABILITY_MISSING, "cannot embed");
    }

    @Test
    void badInputIsATypedErrorNamingTheFieldAndOtherModelsKeepServing() {
        manager.register("docs", embedding().build(), "a");
        manager.register("story", generation().build(), "a");
        assertCode(() -> manager.embed("docs", List.of()), ErrorCode.INVALID_INPUT, "texts");
        assertCode(() -> manager.embed("docs", Arrays.asList("ok", null)), ErrorCode.INVALID_INPUT, "texts[1]");
        assertCode(() -> manager.generate("story", null, null), ErrorCode.INVALID_INPUT, "prompt");
        assertCode(() -> manager.chat("story", List.of(), null), ErrorCode.INVALID_INPUT, "messages");
        assertThat(manager.embedAsync("docs", null).toCompletableFuture()).isCompletedExceptionally();
        assertThat(manager.embed("docs", List.of("still fine")).embeddings()).hasSize(1);
    }

    @Test
    void askingAModelForWhatItCannotDoIsCapabilityMissing() {
        manager.register("docs", embedding().build(), "a");
        manager.register("story", generation().build(), "a");
        assertCode(() -> manager.generate("docs", "x", null), ErrorCode.CAPABILITY_MISSING, "embedding model cannot generate");
        assertCode(() -> manager.embed("story", List.of("x")), ErrorCode.CAPABILITY_MISSING, "cannot embed");
        assertCode(() -> manager.classify("story", List.of("x")), ErrorCode.CAPABILITY_MISSING, "cannot classify");
        assertThat(fixture.provider.loads()).as("refused without loading anything").isZero();
    }

    @Test
    void aFailingModelIsInferenceFailedAndCounted() {
        manager.register("flaky", embedding().option(TestModelProvider.FAIL_INFERENCE, "out of tensors").build(), "a");
        assertCode(() -> manager.embed("flaky", List.of("x")), ErrorCode.INFERENCE_FAILED, "out of tensors", "flaky");
        assertThat(manager.info("flaky").failures()).isEqualTo(1);
        manager.register("docs", embedding().build(), "a");
        assertThat(manager.embed("docs", List.of("x")).embeddings()).hasSize(1);
    }
}
