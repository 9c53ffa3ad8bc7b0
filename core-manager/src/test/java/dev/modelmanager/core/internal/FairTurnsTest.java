package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.testsupport.OrderedProvider;
import dev.modelmanager.core.internal.lifecycle.Owner;

/**
 * A busy model's queue is fair between requesters: a freed worker goes to the next requester with waiting calls, its
 * oldest call first, so a bundle with 20 calls waiting does not hold one with 2 behind all of them; one requester's
 * calls run first come, first served; a client of a bundle ({@link ModelManager#forClient}) takes turns of its own
 * and is still counted for the bundle.
 *
 * <p>The order is the order in which the model ran the prompts, with one worker: the first call holds it until the
 * test has queued every other one, so nothing depends on timing.
 */
class FairTurnsTest {

    private final OrderedProvider provider = new OrderedProvider(10);
    private ModelManagerImpl manager;

    @BeforeEach
    void loadOneWorker() {
        manager = new ModelManagerImpl(Fixture.SETTINGS.withQueue(1, 50));
        manager.bindProvider(provider, Map.of("service.id", 1L));
        manager.register("story", generation().build(), "t");
        manager.load("story", Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        provider.gate.countDown();
        manager.close();
    }

    private static List<CompletableFuture<GenerationResult>> submit(ModelManager caller, String prefix, int calls) {
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(caller.generateAsync("story", prefix + i, null).toCompletableFuture());
        }
        return futures;
    }

    private static List<String> prompts(String prefix, int from, int to) {
        List<String> prompts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            prompts.add(prefix + i);
        }
        return prompts;
    }

    /** Opens the gate once {@code queued} calls wait behind the running one, and waits for every call. */
    private void runAll(int queued, List<CompletableFuture<GenerationResult>> calls) throws Exception {
        await("queued", () -> manager.info("story").inFlight() == queued + 1);
        provider.gate.countDown();
        for (CompletableFuture<GenerationResult> c : calls) {
            c.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRequesterWithTwoCallsIsServedBetweenTheTwentyOfAnother() throws Exception {
        BundleModelManager a = new BundleModelManager(manager, new Owner(11, "bundle.a"));
        BundleModelManager b = new BundleModelManager(manager, new Owner(12, "bundle.b"));
        List<CompletableFuture<GenerationResult>> calls = new ArrayList<>(submit(a, "a", 20));
        await("a's calls queued", () -> manager.info("story").inFlight() == 20);
        calls.addAll(submit(b, "b", 2));
        runAll(21, calls);

        // a0 held the worker while the rest queued; then the turns alternate until b has no calls left.
        List<String> expected = new ArrayList<>(List.of("a0", "a1", "b0", "a2", "b1"));
        expected.addAll(prompts("a", 3, 20));
        assertThat(provider.ran).containsExactlyElementsOf(expected);
        assertThat(provider.ran.indexOf("b1")).as("b's last call ran 5th of 22, not after a's 20")
            .isLessThanOrEqualTo(4);
    }

    @Test
    void oneRequestersCallsRunFirstComeFirstServed() throws Exception {
        BundleModelManager a = new BundleModelManager(manager, new Owner(11, "bundle.a"));
        List<CompletableFuture<GenerationResult>> calls = submit(a, "a", 20);
        runAll(19, calls);
        assertThat(provider.ran).containsExactlyElementsOf(prompts("a", 0, 20));
    }

    @Test
    void aBlockingCallerTakesItsTurnToo() throws Exception {
        BundleModelManager a = new BundleModelManager(manager, new Owner(11, "bundle.a"));
        BundleModelManager b = new BundleModelManager(manager, new Owner(12, "bundle.b"));
        List<CompletableFuture<GenerationResult>> calls = new ArrayList<>(submit(a, "a", 10));
        await("a's calls queued", () -> manager.info("story").inFlight() == 10);
        calls.add(CompletableFuture.supplyAsync(() -> b.generate("story", "b0", null)));
        runAll(10, calls);
        List<String> expected = new ArrayList<>(List.of("a0", "a1", "b0"));
        expected.addAll(prompts("a", 2, 10));
        assertThat(provider.ran).containsExactlyElementsOf(expected);
    }

    @Test
    void clientsOfOneBundleTakeTurnsAndAreCountedForTheBundle() throws Exception {
        BundleModelManager rest = new BundleModelManager(manager, new Owner(11, "bundle.rest"));
        assertThat(rest.forClient(null)).isSameAs(rest);
        assertThat(rest.forClient(" ")).isSameAs(rest);
        List<CompletableFuture<GenerationResult>> calls = new ArrayList<>(submit(rest.forClient("10.0.0.1"), "a", 20));
        await("the first client's calls queued", () -> manager.info("story").inFlight() == 20);
        for (String prompt : List.of("b0", "b1")) { // one view per call, as REST takes them
            calls.add(rest.forClient("10.0.0.2").generateAsync("story", prompt, null).toCompletableFuture());
        }
        runAll(21, calls);

        List<String> expected = new ArrayList<>(List.of("a0", "a1", "b0", "a2", "b1"));
        expected.addAll(prompts("a", 3, 20));
        assertThat(provider.ran).containsExactlyElementsOf(expected);
        List<RequesterUsage> story = manager.usage().stream().filter(u -> u.modelId().equals("story")).toList();
        assertThat(story).extracting(RequesterUsage::requester).as("counted for the bundle, not per client")
            .containsExactly("bundle.rest");
        assertThat(story.get(0).calls()).isEqualTo(22);
        assertThat(rest.forClient("10.0.0.2").usage()).isEqualTo(rest.usage());
    }

    @Test
    void theManagersOwnClientsTakeTurnsAndCountAsDirect() throws Exception {
        assertThat(manager.forClient("")).isSameAs(manager);
        ModelManager first = manager.forClient("first");
        List<CompletableFuture<GenerationResult>> calls = new ArrayList<>(submit(first, "a", 5));
        await("the first client's calls queued", () -> manager.info("story").inFlight() == 5);
        calls.addAll(submit(manager, "b", 1)); // direct, not a client: a requester of its own
        runAll(5, calls);
        assertThat(provider.ran).containsExactly("a0", "a1", "b0", "a2", "a3", "a4");
        assertThat(manager.usage().stream().filter(u -> u.modelId().equals("story")))
            .extracting(RequesterUsage::requester).containsExactly(RequesterUsage.DIRECT);
        assertThat(first.info("story").modelId()).isEqualTo("story");
    }
}
