package dev.modelmanager.provider.remote.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP server for protocol tests: handlers by "METHOD /path", every request recorded (headers and body),
 * helpers to answer JSON, server-sent events and NDJSON, slowly or not at all.
 */
final class FakeServer implements AutoCloseable {
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return RemoteEndpoint.JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(Request request, HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            Handler handler = handlers.get(request.method() + " " + request.path());
            try {
                if (handler == null) {
                    json(exchange, 404, "{\"error\": {\"message\": \"no such path " + request.path() + "\"}}");
                } else {
                    handler.handle(request, exchange);
                }
            } catch (Exception e) {
                // the client went away, or the test wanted the connection dropped
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeServer on(String methodAndPath, Handler handler) {
        handlers.put(methodAndPath, handler);
        return this;
    }

    List<Request> requests(String methodAndPath) {
        return requests.stream().filter(r -> (r.method() + " " + r.path()).equals(methodAndPath)).toList();
    }

    static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts a streamed answer; write lines with {@link #line}. */
    static OutputStream stream(HttpExchange exchange, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    static void line(OutputStream out, String text) throws IOException {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes server-sent events ("data: ..." blocks) and ends the stream. */
    static void sse(HttpExchange exchange, String... events) throws IOException {
        OutputStream out = stream(exchange, "text/event-stream");
        for (String event : events) {
            line(out, event);
            line(out, "");
        }
        out.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
