package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.ModelException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A generation sent as server-sent events, with backpressure, cancelled when the client goes. */
final class EventStream {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventStream.class);
    private EventStream() {
    }

    /** Turns one generated chunk into the SSE events to send. */
    @FunctionalInterface
    interface ChunkWriter {
        List<Object> chunks(GenerationChunk chunk);
    }

    private static final Object DONE = new Object();

    /**
     * Streams a generation as server-sent events, one request of the publisher at a time (backpressure: the
     * model produces no faster than the client reads). A client that goes away cancels the generation; a failure
     * mid-stream, or a generation the server stopped (it ended {@code CANCELLED} with the client still there), is sent
     * as an error event and the stream ends without {@code [DONE]}.
     */
    static void send(HttpServletRequest request, HttpServletResponse response, Flow.Publisher<GenerationChunk> publisher,
                     String outputField, ChunkWriter writer) throws IOException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        // Until the first chunk (a queued call, a long prompt) only the connection can tell that the client left.
        java.util.function.BooleanSupplier watching = ClientGone.watch(request, () -> events.add(GONE));
        try {
            stream(response, publisher, outputField, writer, events, subscription, watching);
        } finally {
            watching.getAsBoolean();
        }
    }

    private static final Object GONE = new Object();

    private static void stream(HttpServletResponse response, Flow.Publisher<GenerationChunk> publisher,
                               String outputField, ChunkWriter writer, BlockingQueue<Object> events,
                               Flow.Subscription[] subscription, java.util.function.BooleanSupplier watching)
        throws IOException {
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
                events.add(s);
            }

            @Override
            public void onNext(GenerationChunk item) {
                events.add(item);
            }

            @Override
            public void onError(Throwable t) {
                events.add(t);
            }

            @Override
            public void onComplete() {
                events.add(DONE);
            }
        });
        boolean started = false;
        try {
            while (true) {
                Object event = events.take();
                if (event == GONE) {
                    cancel(subscription[0]);
                    if (started) {
                        return; // it left as the first chunk went out
                    }
                    throw new ModelException(dev.modelmanager.api.ErrorCode.CANCELLED, null, "the client went away "
                        + "before the first chunk; the call was cancelled");
                }
                if (event instanceof Flow.Subscription s) {
                    s.request(1);
                } else if (event instanceof GenerationChunk chunk) {
                    boolean cut = chunk.finishReason() == FinishReason.CANCELLED;
                    if (cut && !started) {
                        throw OpenAiFormat.cutShort();
                    }
                    if (!started) {
                        start(response, watching);
                        started = true;
                    }
                    // the server stopped it (an unload, an eviction): its text as a plain chunk, then an error,
                    // never a finish
                    GenerationChunk sent = cut ? new GenerationChunk(chunk.index(), chunk.text(), null, null) : chunk;
                    OutputStream out = response.getOutputStream();
                    if (!cut || !chunk.text().isEmpty()) {
                        for (Object data : writer.chunks(sent)) {
                            event(out, Json.MAPPER.writeValueAsString(data));
                        }
                    }
                    if (cut) {
                        error(response, OpenAiFormat.cutShort());
                        return;
                    }
                    out.flush();
                    response.flushBuffer();
                    subscription[0].request(1);
                } else if (event instanceof Throwable t) {
                    ApiError error = t instanceof ModelException me ? ApiError.openAi(me, outputField)
                        : internal(t);
                    if (!started) {
                        throw error;
                    }
                    error(response, error);
                    return;
                } else {
                    if (!started) {
                        start(response, watching);
                    }
                    OutputStream out = response.getOutputStream();
                    event(out, "[DONE]");
                    out.flush();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // The server is stopping this thread: say so, rather than end the stream as if it were complete.
            Thread.currentThread().interrupt();
            cancel(subscription[0]);
            ApiError stopped = new ApiError(503, "server_error", "shutting_down", null,
                "the server stopped this stream before it was complete (it is shutting down)");
            if (!started) {
                throw stopped;
            }
            try {
                error(response, stopped);
            } catch (IOException gone) {
                // the client went too
            }
        } catch (IOException e) {
            // The client closed the connection: stop the model's work.
            cancel(subscription[0]);
            throw e;
        }
    }

    /** A failure that is no manager error: its text goes to the log, not to the client (it may say anything). */
    private static ApiError internal(Throwable t) {
        LOG.warn("a stream failed", t);
        return new ApiError(500, "server_error", "internal_error", null, "the stream failed ("
            + t.getClass().getSimpleName() + "; the server's log has the details)");
    }

    /** An error event, OpenAI's shape, once the stream has started (openai-python and -java raise it). */
    private static void error(HttpServletResponse response, ApiError error) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", error.getMessage());
        body.put("type", error.type);
        body.put("param", error.param);
        body.put("code", error.code);
        OutputStream out = response.getOutputStream();
        event(out, Json.MAPPER.writeValueAsString(Map.of("error", body)));
        out.flush();
    }

    private static void cancel(Flow.Subscription s) {
        if (s != null) {
            s.cancel();
        }
    }

    private static void start(HttpServletResponse response, java.util.function.BooleanSupplier watching) {
        if (watching.getAsBoolean()) {
            response.setHeader("Connection", "close");
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
