package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;
import dev.modelmanager.provider.llamacpp.gguf.GgufReader;

/**
 * Concurrent generations on one loaded stories260K share llama.cpp's slots: each gets exactly its own tokens, a
 * cancelled one leaves the others alone, more calls than slots queue first come first served, a chat's next turn
 * finds its earlier turn in the slot's cache, and the slots fit the memory there is.
 */
class ContinuousBatchingTest {
    static final Path STORIES = LlamaGenerationTest.STORIES;
    static ModelManagerImpl manager;

    @BeforeAll
    static void start() {
        manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        manager.bindProvider(new LlamaCppProvider(LlamaCppSettings.defaults()), Map.of("service.id", 1L));
        manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(STORIES.toString()).option("n_parallel", "4").build(), "test");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static GenerationOptions sampled(long seed) {
        return GenerationOptions.builder().temperature(0.9).topK(40).seed(seed).maxOutputLength(48)
            .extra("ignore_eos", "true").build();
    }

    @Test
    void concurrentSeededStreamsEachGetTheirOwnTokensAndCancellingOneLeavesTheOthers() throws Exception {
        List<String> prompts = List.of("Once upon a time", "The little dog", "One day, Lily");
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            alone.add(manager.generate("stories", prompts.get(i), sampled(100 + i)).text());
        }
        assertThat(alone).doesNotHaveDuplicates();
        for (int round = 0; round < 2; round++) {
            List<CompletableFuture<String>> streams = new ArrayList<>();
            CompletableFuture<String> cancelled = stream("stories", "The sun was", sampled(7), 3);
            for (int i = 0; i < prompts.size(); i++) {
                streams.add(stream("stories", prompts.get(i), sampled(100 + i), 0));
            }
            assertThat(cancelled.get(60, TimeUnit.SECONDS)).isNotEmpty();
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(streams.get(i).get(60, TimeUnit.SECONDS)).as("round %d: %s", round, prompts.get(i))
                    .isEqualTo(alone.get(i));
            }
        }
    }

    @Test
    void moreCallsThanSlotsQueueFirstComeFirstServed() throws Exception {
        manager.register("one-slot", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(STORIES.toString()).option("n_parallel", "1").build(), "test");
        try {
            manager.generate("one-slot", "Once", sampled(1)); // loaded
            assertThat(manager.info("one-slot").details()).containsEntry("slots", "1");
            ConcurrentLinkedQueue<Integer> finished = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<GenerationResult>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int index = i;
                calls.add(manager.generateAsync("one-slot", "Once upon a time", GenerationOptions.builder()
                        .temperature(0.0).maxOutputLength(150).extra("ignore_eos", "true").build())
                    .toCompletableFuture().whenComplete((r, e) -> finished.add(index)));
                Thread.sleep(30); // arrival order
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(finished).containsExactly(0, 1, 2, 3);
            assertThat(calls).allSatisfy(c -> assertThat(c.get().usage().completionTokens()).isEqualTo(150));
        } finally {
            manager.release("one-slot", "test");
        }
    }

    @Test
    void aChatsNextTurnFindsTheEarlierTurnInItsSlotsCacheAndAnswersAsIfComputedAfresh() {
        GenerationOptions greedy = GenerationOptions.builder().temperature(0.0).maxOutputLength(24).build();
        List<ChatMessage> turn1 = List.of(ChatMessage.system("You tell short stories about animals."),
            ChatMessage.user("Tell me a story about a brave little cat who lived near the sea."));
        GenerationResult first = manager.chat("stories", turn1, greedy);
        List<ChatMessage> turn2 = new ArrayList<>(turn1);
        turn2.add(ChatMessage.assistant(first.text()));
        turn2.add(ChatMessage.user("And then what happened to the cat?"));
        GenerationResult second = manager.chat("stories", turn2, greedy);
        assertThat(second.usage().cachedPromptTokens())
            .as("turn 2 reuses turn 1's prompt (%d tokens) from the slot", first.usage().promptTokens())
            .isGreaterThanOrEqualTo(first.usage().promptTokens() - 2)
            .isLessThan(second.usage().promptTokens());

        manager.register("fresh", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(STORIES.toString()).option("n_parallel", "2").build(), "test");
        try {
            GenerationResult afresh = manager.chat("fresh", turn2, greedy);
            assertThat(afresh.usage().cachedPromptTokens()).isZero();
            assertThat(second.text()).isEqualTo(afresh.text());
        } finally {
            manager.release("fresh", "test");
        }
    }

    @Test
    void slotsAndContextShrinkToTheFreeMemoryUnlessTheRequirementSetsThem() throws Exception {
        LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.defaults());
        GgufFile gguf = GgufReader.read(STORIES);
        ModelRequirement defaults = ModelRequirement.builder(ModelType.TEXT_GENERATION, "s").path(STORIES.toString())
            .build();
        long twoSlots = MemoryEstimate.of(gguf, 2048, 2).total();
        LlamaCppProvider.Shape roomy = provider.shape(defaults, gguf, device(1L << 40));
        assertThat(roomy.slots()).isEqualTo(4);
        assertThat(roomy.note()).isNull();
        LlamaCppProvider.Shape tight = provider.shape(defaults, gguf, device(twoSlots + 1));
        assertThat(tight.slots()).isEqualTo(2);
        assertThat(tight.contextPerSlot()).isEqualTo(2048);
        assertThat(tight.note()).contains("2 slots of 2048 tokens (defaults 4 of 2048)");
        LlamaCppProvider.Shape tiny = provider.shape(defaults, gguf, device(MemoryEstimate.of(gguf, 1024, 1).total()));
        assertThat(tiny.slots()).isEqualTo(1);
        assertThat(tiny.contextPerSlot()).isEqualTo(1024);
        ModelRequirement stated = ModelRequirement.builder(ModelType.TEXT_GENERATION, "s").path(STORIES.toString())
            .option("n_parallel", "4").option("n_ctx", "2048").build();
        LlamaCppProvider.Shape kept = provider.shape(stated, gguf, device(twoSlots + 1));
        assertThat(kept.slots()).isEqualTo(4);
        assertThat(kept.contextPerSlot()).isEqualTo(2048);
        assertThat(kept.note()).isNull();
    }

    static DeviceInfo device(long free) {
        return new DeviceInfo("cpu", "test cpu", 1L << 40, free, 2);
    }

    static CompletableFuture<String> stream(String model, String prompt, GenerationOptions options, int cancelAfter) {
        return LlamaGenerationTest.stream(manager, model, prompt, options, cancelAfter);
    }
}
