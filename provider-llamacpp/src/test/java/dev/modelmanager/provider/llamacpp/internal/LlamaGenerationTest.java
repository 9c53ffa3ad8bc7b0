package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/** The stories260K model through the manager and this provider, against the reference in shared/models. */
class LlamaGenerationTest {
    static final Path MODELS = Path.of(System.getProperty("shared.models", "../../shared/models"));
    static final Path STORIES = MODELS.resolve("stories260K.gguf");
    static final GenerationOptions GREEDY = GenerationOptions.builder().temperature(0.0).maxOutputLength(20).build();

    static ModelManagerImpl manager;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
        manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(STORIES.toString()).build(), "test");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** The greedy continuation the models README gives for "Once upon a time". */
    static String referenceContinuation() throws Exception {
        String readme = Files.readString(MODELS.resolve("README.md"));
        Matcher m = Pattern.compile("Greedy \"Once upon a time\" continues with \"(.+?)\" with llama\\.cpp").matcher(readme);
        assertThat(m.find()).as("reference sentence in shared/models/README.md").isTrue();
        return m.group(1);
    }

    @Test
    void greedyGenerationContinuesAsTheReferenceSays() throws Exception {
        String reference = referenceContinuation();
        GenerationResult result = manager.generate("stories", "Once upon a time",
            GenerationOptions.builder().temperature(0.0).maxOutputLength(64).build());
        assertThat(result.text()).startsWith(reference);
        assertThat(result.usage().promptTokens()).isPositive();
        assertThat(result.usage().completionTokens()).isBetween(1, 64);
        assertThat(result.device()).isEqualTo("cpu");
        ModelInfo info = manager.info("stories");
        assertThat(info.provider()).isEqualTo("llamacpp");
        assertThat(info.memoryBytes()).isPositive();
    }

    @Test
    void theConcatenatedStreamEqualsTheNonStreamedText() throws Exception {
        String whole = manager.generate("stories", "Once upon a time", GREEDY).text();
        assertThat(stream("Once upon a time", GREEDY, 0).get(30, TimeUnit.SECONDS)).isEqualTo(whole);
        GenerationResult limited = manager.generate("stories", "Once upon a time", GREEDY);
        assertThat(limited.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(limited.usage().completionTokens()).isEqualTo(20);
    }

    @Test
    void fourConcurrentGreedyGenerationsEqualTheSequentialResults() throws Exception {
        List<String> prompts = List.of("Once upon a time", "The little dog", "One day, Lily", "The sun was");
        List<String> sequential = new ArrayList<>();
        for (String p : prompts) {
            sequential.add(manager.generate("stories", p, GREEDY).text());
        }
        List<CompletableFuture<GenerationResult>> concurrent = new ArrayList<>();
        for (String p : prompts) {
            concurrent.add(manager.generateAsync("stories", p, GREEDY).toCompletableFuture());
        }
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(concurrent.get(i).get(60, TimeUnit.SECONDS).text()).as(prompts.get(i)).isEqualTo(sequential.get(i));
        }
    }

    @Test
    void cancellingAStreamStopsTheNativeWorkEarly() throws Exception {
        GenerationOptions longRun = GenerationOptions.builder().temperature(0.0).maxOutputLength(2000)
            .extra("ignore_eos", "true").build();
        long start = System.nanoTime();
        String five = stream("Once upon a time", longRun, 5).get(30, TimeUnit.SECONDS);
        assertThat(five).isNotEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (manager.info("stories").inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(manager.info("stories").inFlight()).as("the generation stopped").isZero();
        // A full 2000-token run takes seconds; the cancelled one returned well before.
        GenerationResult after = manager.generate("stories", "Once upon a time", GREEDY);
        assertThat(after.usage().completionTokens()).isEqualTo(20);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aGenerationStopsWhereItsSlotsContextEndsAndWhatCannotFitIsRefusedNamingTheNumbers() {
        manager.register("short", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(STORIES.toString()).option("n_ctx", "64").option("n_parallel", "1").build(), "test");
        try {
            GenerationOptions endless = GenerationOptions.builder().temperature(0.0).maxOutputLength(1_000_000_000)
                .extra("ignore_eos", "true").build();
            assertThatThrownBy(() -> manager.generate("short", "Once upon a time", endless))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.field()).isEqualTo("max_output_length");
                })
                .hasMessageMatching("(?s).*the prompt's \\d+ tokens and max_output_length 1000000000 exceed the "
                    + "model's context per slot of 64 tokens.*");
            GenerationOptions unbounded = GenerationOptions.builder().temperature(0.0).extra("ignore_eos", "true").build();
            GenerationResult capped = manager.generate("short", "Once upon a time", unbounded);
            assertThat(capped.finishReason()).isEqualTo(dev.modelmanager.api.FinishReason.LENGTH);
            assertThat(capped.usage().promptTokens() + capped.usage().completionTokens()).isLessThanOrEqualTo(64);
            assertThat(capped.usage().completionTokens()).isGreaterThan(32);

            String longPrompt = "Once upon a time there was a little dog. ".repeat(20);
            assertThatThrownBy(() -> manager.generate("short", longPrompt, GREEDY))
                .isInstanceOfSatisfying(dev.modelmanager.api.ModelException.class,
                    e -> assertThat(e.code()).isEqualTo(dev.modelmanager.api.ErrorCode.INVALID_INPUT))
                .hasMessageContaining("tokens").hasMessageContaining("64");
            assertThat(manager.generate("short", "Once upon a time", GREEDY).text()).isNotEmpty();
        } finally {
            manager.release("short", "test");
        }
    }

    @Test
    void reloadingTheSameModelReusesTheParkedNativeInstance() {
        manager.generate("stories", "Once upon a time", GREEDY);
        ModelInfo first = manager.info("stories");
        assertThat(first.details()).containsKeys("memory.estimated", "memory.measured", "memory.estimate.error")
            .containsEntry("architecture", "llama").containsEntry("chat.template",
                "none in the model file; llama.cpp's ChatML fallback is used");
        manager.unload("stories");
        assertThat(manager.generate("stories", "Once upon a time", GREEDY).text()).isNotEmpty();
        assertThat(manager.info("stories").details()).containsKey("reused");
    }

    @Test
    void stopStringsEndTheTextAndASeedMakesSamplingRepeatable() throws Exception {
        String reference = referenceContinuation(); // ", there was a little girl named Lily. ..."
        GenerationResult stopped = manager.generate("stories", "Once upon a time", GenerationOptions.builder()
            .temperature(0.0).maxOutputLength(64).stop(List.of("girl")).build());
        assertThat(stopped.text()).doesNotContain("girl").isNotEmpty();
        assertThat(reference).startsWith(stopped.text().strip().isEmpty() ? "" : stopped.text().substring(0, 5));
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);

        GenerationOptions sampled = GenerationOptions.builder().temperature(1.0).topK(40).topP(0.95).seed(1234L)
            .maxOutputLength(30).build();
        String first = manager.generate("stories", "Once upon a time", sampled).text();
        assertThat(manager.generate("stories", "Once upon a time", sampled).text()).isEqualTo(first);
    }

    @Test
    void inputsTheBindingWouldChokeOnAreRefusedNamingTheFieldAndTheModelKeepsServing() {
        // 1e39 is a finite double but Infinity as a float: llama.cpp's JSON parser would abort the JVM on it
        assertThatThrownBy(() -> manager.generate("stories", "Once upon a time",
            GenerationOptions.builder().temperature(1e39).maxOutputLength(4).build()))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("temperature");
            });
        assertThatThrownBy(() -> manager.chat("stories", List.of(ChatMessage.system("You tell stories."),
            ChatMessage.user("Tell me about a cat."), ChatMessage.system("Be brief.")), GREEDY))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.field()).isEqualTo("messages[2]");
            });
        assertThat(manager.generate("stories", "Once upon a time", GREEDY).text()).isNotBlank();
    }

    @Test
    void chatProducesTextThroughTheFallbackTemplate() {
        GenerationResult chat = manager.chat("stories", List.of(ChatMessage.system("You tell stories."),
            ChatMessage.user("Tell me about a cat.")), GREEDY);
        assertThat(chat.text()).isNotBlank();
        assertThat(manager.info("stories").status()).isEqualTo(ModelStatus.LOADED);
    }

    @Test
    void badFilesAreRefusedAtRegistrationWithTheReasonWhileOtherModelsKeepServing() throws Exception {
        Path dir = Files.createTempDirectory("bad-gguf");
        Path zip = Files.writeString(dir.resolve("zip.gguf"), "PK\u0003\u0004 not a model");
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(STORIES), 100_000));
        Map<String, String> expected = Map.of(zip.toString(), "not a usable GGUF file: zip.gguf is not a GGUF file",
            cut.toString(), "not a usable GGUF file: cut.gguf is truncated");
        for (Map.Entry<String, String> bad : expected.entrySet()) {
            assertThatThrownBy(() -> manager.register("bad", ModelRequirement.builder(ModelType.TEXT_GENERATION, "bad")
                .path(bad.getKey()).provider("llamacpp").build(), "test"))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MODEL_FILE);
                    assertThat(e.getMessage()).contains(bad.getValue());
                });
            assertThat(manager.list()).extracting(ModelInfo::modelId).doesNotContain("bad");
        }
        assertThatThrownBy(() -> manager.register("several", ModelRequirement.builder(ModelType.TEXT_GENERATION, "s")
            .path(dir.toString()).provider("llamacpp").build(), "test"))
            .isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.getMessage()).contains("the folder holds 2 .gguf files; name the one to load")
                    .doesNotContain("zip.gguf").doesNotContain("cut.gguf");
            });
        assertThatThrownBy(() -> manager.register("missing", ModelRequirement.builder(ModelType.TEXT_GENERATION, "m")
            .path(dir.resolve("absent.gguf").toString()).build(), "test"))
            .hasMessageContaining("no such file or folder");
        assertThat(manager.generate("stories", "Once upon a time", GREEDY).text()).isNotEmpty();
    }

    /** Streams a generation; cancels after {@code cancelAfter} chunks when positive. Completes with the text. */
    static CompletableFuture<String> stream(String prompt, GenerationOptions options, int cancelAfter) {
        return stream(manager, "stories", prompt, options, cancelAfter);
    }

    /** As {@link #stream(String, GenerationOptions, int)}, on {@code model} of {@code on}. */
    static CompletableFuture<String> stream(ModelManagerImpl on, String model, String prompt, GenerationOptions options,
                                            int cancelAfter) {
        CompletableFuture<String> done = new CompletableFuture<>();
        List<String> pieces = new CopyOnWriteArrayList<>();
        on.stream(model, prompt, options).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(GenerationChunk chunk) {
                pieces.add(chunk.text());
                if (cancelAfter > 0 && pieces.size() == cancelAfter) {
                    subscription.cancel();
                    done.complete(String.join("", pieces));
                } else {
                    subscription.request(1);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(String.join("", pieces));
            }
        });
        return done;
    }
}
