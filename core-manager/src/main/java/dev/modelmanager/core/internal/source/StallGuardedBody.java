package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Copies a response body to a stream, giving up when the server sends nothing for {@code stallTimeout}.
 * ({@code HttpRequest.timeout} covers only the wait for the response headers: without this a server that stops
 * sending half way would hold a download forever.)
 */
final class StallGuardedBody implements Flow.Subscriber<List<ByteBuffer>> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;

    /** Drops a body nobody wants (an error or a redirect), so that the connection is released. */
    static void discard(Flow.Publisher<List<ByteBuffer>> body) {
        body.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
    }

    /**
     * @param progress told how many bytes each write added
     * @throws IOException when the body breaks off or stalls
     */
    static void copy(Flow.Publisher<List<ByteBuffer>> body, OutputStream out, Duration stallTimeout,
                     LongConsumer progress) throws IOException {
        StallGuardedBody reader = new StallGuardedBody();
        body.subscribe(reader);
        try {
            while (true) {
                Object item = reader.queue.poll(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (item == null) {
                    reader.cancel();
                    throw new IOException("no data for " + stallTimeout.toSeconds() + " s");
                }
                if (item == END) {
                    return;
                }
                if (item instanceof Throwable t) {
                    throw t instanceof IOException io ? io : new IOException(t);
                }
                @SuppressWarnings("unchecked")
                List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                for (ByteBuffer buffer : buffers) {
                    int n = buffer.remaining();
                    if (buffer.hasArray()) {
                        out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
                    } else {
                        byte[] bytes = new byte[n];
                        buffer.get(bytes);
                        out.write(bytes);
                    }
                    progress.accept(n);
                }
                reader.subscription.request(1);
            }
        } catch (InterruptedException e) {
            reader.cancel();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException | RuntimeException e) {
            reader.cancel();
            throw e;
        }
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }
}
