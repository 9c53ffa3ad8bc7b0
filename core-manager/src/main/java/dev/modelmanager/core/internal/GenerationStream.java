package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.TokenSink;

/**
 * A cold publisher of one generation per subscription. The model's thread hands each piece to the subscriber
 * as demand allows and waits (up to the stall timeout) when there is none; cancelling makes the sink answer
 * {@code false}, which stops the model's work.
 */
final class GenerationStream implements Flow.Publisher<GenerationChunk> {
    private final String modelId;
    private final Function<TokenSink, CompletableFuture<Completion>> start;
    private final Duration stallTimeout;

    /**
     * @param start runs the generation with the given sink and completes with its result
     */
    GenerationStream(String modelId, Function<TokenSink, CompletableFuture<Completion>> start, Duration stallTimeout) {
        this.modelId = modelId;
        this.start = start;
        this.stallTimeout = stallTimeout;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super GenerationChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Subscription subscription = new Subscription(subscriber);
        subscriber.onSubscribe(subscription);
        if (subscription.isFinished()) {
            return; // cancelled or failed during onSubscribe: no generation to run
        }
        CompletableFuture<Completion> run;
        try {
            run = start.apply(subscription::offer);
        } catch (RuntimeException e) {
            subscription.fail(e);
            return;
        }
        run.whenComplete((completion, error) -> {
            if (error != null) {
                subscription.fail(error);
            } else {
                subscription.complete(completion);
            }
        });
        subscription.onCancel(() -> run.cancel(false));
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super GenerationChunk> subscriber;
        private long demand;
        private boolean cancelled;
        private boolean terminated;
        private int index;
        private Runnable cancelHook;

        Subscription(Flow.Subscriber<? super GenerationChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                if (cancelled || terminated) {
                    return;
                }
                if (n <= 0) {
                    cancelled = true;
                    notifyAll();
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    notifyAll();
                    return;
                }
            }
            terminate();
            subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"));
        }

        @Override
        public void cancel() {
            Runnable hook;
            synchronized (this) {
                cancelled = true;
                hook = cancelHook;
                notifyAll();
            }
            if (hook != null) {
                hook.run();
            }
        }

        synchronized boolean isFinished() {
            return cancelled || terminated;
        }

        void onCancel(Runnable hook) {
            boolean now;
            synchronized (this) {
                cancelHook = hook;
                now = cancelled;
            }
            if (now) {
                hook.run();
            }
        }

        /** The sink: hands one piece over once there is demand; {@code false} when cancelled. */
        boolean offer(String piece) {
            if (!awaitDemand()) {
                return false;
            }
            subscriber.onNext(new GenerationChunk(index++, piece, null, null));
            return true;
        }

        void complete(Completion completion) {
            if (!awaitDemand()) {
                return;
            }
            subscriber.onNext(new GenerationChunk(index++, "", completion.finishReason(), completion.usage()));
            if (terminate()) {
                subscriber.onComplete();
            }
        }

        void fail(Throwable error) {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            if (terminate()) {
                subscriber.onError(Calls.unwrap(error, modelId));
            }
        }

        /** Waits for demand and takes one unit of it; {@code false} when cancelled or stalled too long. */
        private boolean awaitDemand() {
            long deadline = System.nanoTime() + stallTimeout.toNanos();
            synchronized (this) {
                while (demand == 0 && !cancelled && !terminated) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        cancelled = true;
                        terminated = true;
                        subscriber.onError(new ModelException(ErrorCode.TIMEOUT, modelId,
                            "the stream's subscriber requested nothing for " + stallTimeout.toSeconds() + " s"));
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancelled = true;
                        return false;
                    }
                }
                if (cancelled || terminated) {
                    return false;
                }
                demand--;
                return true;
            }
        }

        private synchronized boolean terminate() {
            if (terminated) {
                return false;
            }
            terminated = true;
            return true;
        }
    }
}
