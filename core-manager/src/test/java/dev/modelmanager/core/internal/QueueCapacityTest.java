package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.RepeatedTest;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.testsupport.TestModelProvider;

/** The queue takes exactly queue.capacity calls beyond those running, however many submit at once. */
class QueueCapacityTest {
    private static final String LONG = String.join(" ", Collections.nCopies(500, "word"));
    private static final int SUBMITTERS = 64;
    private static final int CAPACITY = 8;

    @RepeatedTest(3)
    void sixtyFourRacingSubmittersGetExactlyTheCapacity() throws Exception {
        try (Fixture f = new Fixture(Fixture.SETTINGS.withQueue(1, CAPACITY), new TestModelProvider())) {
            f.manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
            CompletableFuture<GenerationResult> running = f.manager.generateAsync("story", LONG, null)
                .toCompletableFuture();
            await("running", () -> f.manager.info("story").inFlight() == 1);

            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<GenerationResult>> submitted = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < SUBMITTERS; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    submitted.add(f.manager.generateAsync("story", LONG, null).toCompletableFuture());
                });
                threads.add(t);
                t.start();
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            int overloaded = 0;
            int waiting = 0;
            for (CompletableFuture<GenerationResult> call : submitted) {
                try {
                    call.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    waiting++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(ModelException.class,
                        m -> assertThat(m.code()).isEqualTo(ErrorCode.OVERLOADED));
                    overloaded++;
                }
            }
            assertThat(waiting).as("calls queued").isEqualTo(CAPACITY);
            assertThat(overloaded).as("calls refused at once").isEqualTo(SUBMITTERS - CAPACITY);
            assertThat(f.manager.info("story").inFlight()).isEqualTo(1 + CAPACITY);
            running.cancel(false);
            submitted.forEach(c -> c.cancel(false));
        }
    }
}
