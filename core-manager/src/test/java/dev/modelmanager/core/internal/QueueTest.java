package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.testsupport.TestModelProvider;

/** A model's worker runs a bounded number of calls and queues a bounded number more; beyond, OVERLOADED at once. */
class QueueTest {
    private static final String LONG = String.join(" ", Collections.nCopies(200, "word"));

    private static CompletableFuture<GenerationResult> slow(ModelManagerImpl manager) {
        return manager.generateAsync("story", LONG, null).toCompletableFuture();
    }

    @Test
    void aFullQueueAnswersOverloadedAtOnce() {
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 2), new TestModelProvider())) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
            CompletableFuture<GenerationResult> running = slow(manager);
            await("running", () -> manager.info("story").inFlight() == 1);
            List<CompletableFuture<GenerationResult>> queued = List.of(slow(manager), slow(manager));
            await("queued", () -> manager.info("story").inFlight() == 3);

            CompletableFuture<GenerationResult> refused = slow(manager);
            assertThat(refused).failsWithin(1, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
                    assertThat(e.getMessage()).contains("queue is full (1 running, 2 waiting)");
                });
            assertThat(running).isNotDone();
            running.cancel(false);
            queued.forEach(q -> q.cancel(false));
        }
    }

    @Test
    void aCallThatWaitsLongerThanTheQueueTimeoutFailsWhileTheRunningOneGoesOn() throws Exception {
        try (Fixture fixture = new Fixture(Fixture.SETTINGS.withQueue(1, 4).withQueueTimeout(java.time.Duration.ofMillis(300)),
            new TestModelProvider())) {
            ModelManagerImpl manager = fixture.manager;
            manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
            CompletableFuture<GenerationResult> running = slow(manager);
            await("running", () -> manager.info("story").inFlight() == 1);
            CompletableFuture<GenerationResult> waiting = slow(manager);
            assertThat(waiting).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.getMessage()).contains("waited 300 ms for a free worker");
                });
            assertThat(running).isNotDone();
            await("the expired call left the queue", () -> manager.info("story").inFlight() == 1);
            running.cancel(false);
            // The worker still serves: a short call afterwards runs.
            assertThat(manager.generate("story", "a b", null).text()).isEqualTo("b a");
        }
    }
}
