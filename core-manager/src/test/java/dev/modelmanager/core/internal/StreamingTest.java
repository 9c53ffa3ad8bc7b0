package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.await;
import static dev.modelmanager.core.internal.Fixture.generation;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.testsupport.TestModelProvider;

class StreamingTest {
    private final Fixture fixture = new Fixture();
    private final ModelManagerImpl manager = fixture.manager;

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Requests {@code batch} chunks at a time; cancels after {@code cancelAfter} chunks when positive. */
    static class Collector implements Flow.Subscriber<GenerationChunk> {
        final List<GenerationChunk> chunks = new CopyOnWriteArrayList<>();
        final CompletableFuture<List<GenerationChunk>> done = new CompletableFuture<>();
        final int batch;
        final int cancelAfter;
        Flow.Subscription subscription;
        int outstanding;

        Collector(int batch, int cancelAfter) {
            this.batch = batch;
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            outstanding = batch;
            s.request(batch);
        }

        @Override
        public void onNext(GenerationChunk chunk) {
            chunks.add(chunk);
            if (cancelAfter > 0 && chunks.size() == cancelAfter) {
                subscription.cancel();
                done.complete(chunks);
                return;
            }
            if (--outstanding == 0) {
                outstanding = batch;
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(chunks);
        }
    }

    @Test
    void chunksArriveInOrderOneAtATimeAndTheLastCarriesTheFinish() throws Exception {
        manager.register("story", generation().build(), "a");
        Collector collector = new Collector(1, 0);
        manager.stream("story", "one two three", null).subscribe(collector);
        List<GenerationChunk> chunks = collector.done.get(10, TimeUnit.SECONDS);
        assertThat(chunks).extracting(GenerationChunk::text).containsExactly("three", " two", " one", "");
        assertThat(chunks).extracting(GenerationChunk::index).containsExactly(0, 1, 2, 3);
        GenerationChunk last = chunks.get(3);
        assertThat(last.last()).isTrue();
        assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.usage()).isEqualTo(new TokenUsage(3, 3));
    }

    @Test
    void thePublisherIsColdEachSubscriptionRunsItsOwnGeneration() throws Exception {
        manager.register("story", generation().build(), "a");
        Flow.Publisher<GenerationChunk> publisher = manager.streamChat("story", List.of(ChatMessage.user("a b")), null);
        Collector first = new Collector(100, 0);
        Collector second = new Collector(100, 0);
        publisher.subscribe(first);
        publisher.subscribe(second);
        assertThat(first.done.get(10, TimeUnit.SECONDS)).extracting(GenerationChunk::text).containsExactly("b", " a", "");
        assertThat(second.done.get(10, TimeUnit.SECONDS)).hasSize(3);
    }

    @Test
    void cancellingStopsTheModelsWork() throws Exception {
        manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
        String prompt = String.join(" ", Collections.nCopies(1000, "word"));
        Collector collector = new Collector(1, 3);
        manager.stream("story", prompt, GenerationOptions.DEFAULTS).subscribe(collector);
        assertThat(collector.done.get(10, TimeUnit.SECONDS)).hasSize(3);
        // 1000 tokens at 20 ms would keep the worker busy for 20 s; cancelling frees it at the next token.
        await("generation stopped", java.time.Duration.ofSeconds(2), () -> manager.info("story").inFlight() == 0);
        assertThat(collector.chunks).hasSize(3);
    }

    @Test
    void cancellingAnAsyncGenerationStopsTheModelsWorkToo() throws Exception {
        manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
        String prompt = String.join(" ", Collections.nCopies(1000, "word"));
        CompletableFuture<?> call = manager.generateAsync("story", prompt, null).toCompletableFuture();
        await("generation running", () -> manager.info("story").inFlight() == 1);
        call.cancel(false);
        await("generation stopped", java.time.Duration.ofSeconds(2), () -> manager.info("story").inFlight() == 0);
    }

    @Test
    void anExplicitUnloadStopsARunningGenerationInsteadOfWaitingForIt() throws Exception {
        manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "a");
        // 100,000 tokens at 20 ms: half an hour, far beyond the unload's drain timeout.
        String prompt = String.join(" ", Collections.nCopies(100_000, "word"));
        CompletableFuture<dev.modelmanager.api.GenerationResult> call =
            manager.generateAsync("story", prompt, null).toCompletableFuture();
        await("generation running", () -> manager.info("story").inFlight() == 1);
        long t0 = System.nanoTime();
        assertThat(manager.unload("story")).isTrue();
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(call).isCompleted();
        assertThat(call.get().finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(call.get().usage().completionTokens()).isLessThan(100_000);
        dev.modelmanager.api.ModelStats stats = manager.info("story").stats();
        assertThat(stats.cancelled()).as("cancelled, not failed").isEqualTo(1);
        assertThat(stats.failures()).isZero();
    }

    @Test
    void failuresArriveAsOnErrorWithAModelException() throws Exception {
        manager.register("story", generation().option(TestModelProvider.FAIL_INFERENCE, "kv cache exhausted").build(), "a");
        Collector collector = new Collector(10, 0);
        manager.stream("story", "a b", null).subscribe(collector);
        assertThat(collector.done).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
            .havingCause().isInstanceOfSatisfying(ModelException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INFERENCE_FAILED);
                assertThat(e.getMessage()).contains("kv cache exhausted");
            });

        Collector unknown = new Collector(10, 0);
        manager.stream("nope", "a", null).subscribe(unknown);
        assertThat(unknown.done).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
            .havingCause().isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }

    @Test
    void aNonPositiveRequestIsAnError() throws Exception {
        manager.register("story", generation().build(), "a");
        Collector collector = new Collector(1, 0) {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(0);
            }
        };
        manager.stream("story", "a b", null).subscribe(collector);
        assertThat(collector.done).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
            .havingCause().isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signalsAreSerialEvenWhenTheProviderLeavesDuringOnNext() throws Exception {
        manager.register("story", generation().option(TestModelProvider.TOKEN_DELAY_MS, "5").build(), "a");
        java.util.concurrent.atomic.AtomicBoolean inside = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch inOnNext = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        manager.stream("story", String.join(" ", Collections.nCopies(50, "word")), null).subscribe(
            new Flow.Subscriber<GenerationChunk>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(GenerationChunk chunk) {
                    inside.set(true);
                    inOnNext.countDown();
                    try {
                        Thread.sleep(300); // a slow subscriber: the provider leaves meanwhile
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inside.set(false);
                }

                @Override
                public void onError(Throwable t) {
                    overlapped.compareAndSet(false, inside.get());
                    error.complete(t);
                }

                @Override
                public void onComplete() {
                    error.complete(null);
                }
            });
        assertThat(inOnNext.await(5, TimeUnit.SECONDS)).isTrue();
        manager.unbindProvider(fixture.provider); // fails the call from this thread while onNext runs
        Throwable t = error.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_GONE));
        assertThat(overlapped).as("onError arrived while onNext was running (rule 1.3)").isFalse();
        manager.bindProvider(fixture.provider, java.util.Map.of("service.id", 2L));
    }

    @Test
    void theLastChunkWaitsForDemandWithoutHoldingAWorker() throws Exception {
        manager.register("story", generation().build(), "a");
        Collector collector = new Collector(3, 0) {
            @Override
            public void onNext(GenerationChunk chunk) {
                chunks.add(chunk); // asks for nothing more: three pieces, and the last chunk is not wanted yet
            }
        };
        manager.stream("story", "one two three", null).subscribe(collector);
        await("three pieces", () -> collector.chunks.size() == 3);
        // The generation is over: no thread of the model's waits while the last chunk waits for demand, so an
        // unload (which waits for every call's result to be delivered) is not held up by the slow subscriber.
        await("no call holds the model", java.time.Duration.ofSeconds(2), () -> manager.info("story").inFlight() == 0);
        assertThat(CompletableFuture.supplyAsync(() -> manager.unload("story"))).succeedsWithin(2, TimeUnit.SECONDS);
        assertThat(collector.done).isNotDone();
        collector.subscription.request(1);
        assertThat(collector.done.get(5, TimeUnit.SECONDS)).hasSize(4).last()
            .satisfies(last -> assertThat(last.finishReason()).isEqualTo(FinishReason.STOP));
    }
}
