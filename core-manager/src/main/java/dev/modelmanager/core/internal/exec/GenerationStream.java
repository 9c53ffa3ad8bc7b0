package dev.modelmanager.core.internal.exec;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.TokenSink;

/**
 * A cold publisher of one generation per subscription (Reactive Streams for {@link java.util.concurrent.Flow}, checked
 * against the specification's TCK). The model's thread hands each piece over only when the subscriber has demand
 * for it, and waits (up to the stall timeout) while it has none: the model produces no faster than the subscriber
 * consumes. Signals are serial: whichever thread has something to deliver (the model's thread with a piece, the
 * subscriber's with a request, the thread finishing the call with the last chunk or a failure) delivers everything
 * due, one thread at a time, so {@code onError} never overlaps {@code onNext}. The last chunk carries the finish
 * reason and usage and waits for demand like any other, without holding a thread. Cancelling makes the sink answer
 * {@code false}, which stops the model's work at its next piece.
 */
public final class GenerationStream implements Flow.Publisher<GenerationChunk> {
    private final String modelId;
    private final Function<TokenSink, CompletableFuture<Completion>> start;
    private final Duration stallTimeout;

    /**
     * @param start runs the generation with the given sink and completes with its result
     */
    public GenerationStream(String modelId, Function<TokenSink, CompletableFuture<Completion>> start,
                            Duration stallTimeout) {
        this.modelId = modelId;
        this.start = start;
        this.stallTimeout = stallTimeout;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super GenerationChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Emitter emitter = new Emitter(subscriber);
        subscriber.onSubscribe(emitter);
        if (emitter.cancelled || emitter.done) {
            emitter.drain();
            return; // cancelled or failed during onSubscribe: no generation to run
        }
        CompletableFuture<Completion> run;
        try {
            run = start.apply(emitter::offer);
        } catch (RuntimeException e) {
            emitter.fail(e);
            return;
        }
        emitter.running(run);
        run.whenComplete((completion, error) -> {
            if (error != null) {
                emitter.fail(error);
            } else {
                emitter.complete(completion);
            }
        });
    }

    private final class Emitter implements Flow.Subscription {
        private volatile Flow.Subscriber<? super GenerationChunk> subscriber;
        private final Queue<GenerationChunk> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger wip = new AtomicInteger();
        /** Everything requested so far, saturating at Long.MAX_VALUE. */
        private final AtomicLong requested = new AtomicLong();
        private final Object demand = new Object();
        /** Pieces offered by the model (its thread only), counted against {@link #requested}. */
        private long produced;
        /** Chunks delivered (the draining thread only). */
        private long emitted;
        private int index;
        private volatile boolean cancelled;
        /** No more chunks will come: the last one is queued, or {@link #error} is set. */
        private volatile boolean done;
        private volatile Throwable error;
        private boolean terminated; // the draining thread only
        private volatile CompletableFuture<Completion> run;

        Emitter(Flow.Subscriber<? super GenerationChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                terminate(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"));
                return;
            }
            requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            synchronized (demand) {
                demand.notifyAll();
            }
            drain();
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            synchronized (demand) {
                demand.notifyAll();
            }
            stopWork();
            drain();
        }

        void running(CompletableFuture<Completion> value) {
            run = value;
            if (cancelled || done) {
                value.cancel(false);
            }
        }

        private void stopWork() {
            CompletableFuture<Completion> r = run;
            if (r != null) {
                r.cancel(false);
            }
        }

        /** The sink: hands one piece over once there is demand; {@code false} when the work must stop. */
        boolean offer(String piece) {
            if (!awaitDemand()) {
                return false;
            }
            produced++;
            queue.offer(new GenerationChunk(index++, piece, null, null));
            drain();
            return !cancelled && !done;
        }

        void complete(Completion completion) {
            if (!done) {
                queue.offer(new GenerationChunk(index++, "", completion.finishReason(), completion.usage()));
                done = true;
            }
            drain();
        }

        void fail(Throwable failure) {
            if (cancelled) {
                return;
            }
            terminate(Failures.unwrap(failure, modelId));
        }

        /** Ends the stream with an error: the work stops and {@code onError} follows without waiting for demand. */
        private void terminate(Throwable failure) {
            if (error == null) {
                error = failure;
            }
            done = true;
            synchronized (demand) {
                demand.notifyAll();
            }
            stopWork();
            drain();
        }

        /** Waits for demand for one more piece; {@code false} when cancelled, failed or stalled too long. */
        private boolean awaitDemand() {
            long deadline = System.nanoTime() + stallTimeout.toNanos();
            synchronized (demand) {
                while (produced >= requested.get() && !cancelled && !done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        error = new ModelException(ErrorCode.TIMEOUT, modelId,
                            "the stream's subscriber requested nothing for " + stallTimeout.toSeconds() + " s");
                        done = true;
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(demand, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            if (done || cancelled) {
                drain();
                return false;
            }
            return true;
        }

        /** Delivers what is due, on whichever thread gets here first; the others leave it their work. */
        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                Flow.Subscriber<? super GenerationChunk> s = subscriber;
                if (cancelled || terminated || s == null) {
                    queue.clear();
                    subscriber = null; // rule 3.13: drop the subscriber once cancelled
                } else if (error != null) {
                    queue.clear();
                    terminated = true;
                    subscriber = null;
                    s.onError(error);
                } else {
                    long wanted = requested.get();
                    while (emitted < wanted && !cancelled && error == null) {
                        GenerationChunk chunk = queue.poll();
                        if (chunk == null) {
                            break;
                        }
                        emitted++;
                        s.onNext(chunk);
                    }
                    if (done && error == null && !cancelled && queue.isEmpty()) {
                        terminated = true;
                        subscriber = null;
                        s.onComplete();
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
