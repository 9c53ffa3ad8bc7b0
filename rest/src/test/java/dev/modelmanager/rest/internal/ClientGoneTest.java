package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * A client that goes away before its non-streamed generation is answered stops the model's work at once; one that
 * stays gets its answer on a connection it can use again.
 */
class ClientGoneTest {
    private ModelManagerImpl manager;
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        startWith(settings());
    }

    private static ManagerSettings settings() throws Exception {
        return ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work"));
    }

    private void startWith(ManagerSettings s) throws Exception {
        manager = new ModelManagerImpl(s);
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
        // 1,000 words at 20 ms a token: 20 s of work for nobody if the call is not cancelled.
        manager.register("story", ModelRequirement.builder(ModelType.TEXT_GENERATION, "ggml-org/models")
            .option(TestModelProvider.TOKEN_DELAY_MS, "20").build(), "t");
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new OpenAiServlet(manager, () -> RestSettings.DEFAULTS)), "/v1/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        manager.close();
    }

    private static byte[] request(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ("POST /v1/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + bytes.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    private static String body(String path, String prompt) {
        return path.equals("completions")
            ? "{\"model\": \"story\", \"prompt\": \"" + prompt + "\"}"
            : "{\"model\": \"story\", \"messages\": [{\"role\": \"user\", \"content\": \"" + prompt + "\"}]}";
    }

    private void awaitInFlight(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (manager.info("story").inFlight() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"completions", "chat/completions"})
    void aClientThatLeavesCancelsItsGeneration(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request(path, body(path, String.join(" ", Collections.nCopies(1000, "word")))));
            out.flush();
            awaitInFlight(1, Duration.ofSeconds(10));
            assertThat(manager.info("story").inFlight()).as("the generation runs").isEqualTo(1);
            Thread.sleep(300);
        } // the client goes away
        awaitInFlight(0, Duration.ofSeconds(5));
        assertThat(manager.info("story").inFlight()).as("the generation stopped when its client left").isZero();
        assertThat(manager.info("story").stats().cancelled()).isEqualTo(1);
        assertThat(manager.info("story").stats().failures()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"completions", "chat/completions", "completions stream", "chat/completions stream"})
    void aGenerationTheServerStopsIsAnErrorNotAFinishedAnswer(String how) throws Exception {
        String path = how.replace(" stream", "");
        boolean stream = how.endsWith("stream");
        String body = body(path, String.join(" ", Collections.nCopies(1000, "word")));
        body = body.substring(0, body.length() - 1) + ", \"stream\": " + stream + "}";
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> answer = client.sendAsync(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v1/" + path))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        awaitInFlight(1, Duration.ofSeconds(10));
        Thread.sleep(100); // a few tokens out
        manager.unload("story"); // running generations stop at their next token
        java.net.http.HttpResponse<String> r = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
        if (stream) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"generation_stopped\"").doesNotContain("[DONE]")
                .doesNotContain("\"finish_reason\":\"stop\"");
        } else {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("\"code\":\"generation_stopped\"");
        }
    }

    @Test
    void aStreamingClientThatLeavesBeforeItsFirstTokenGivesUpItsPlaceInTheQueue() throws Exception {
        stop();
        startWith(settings().withQueue(1, 16)); // one generation at a time
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> first = client.sendAsync(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                    body("completions", String.join(" ", Collections.nCopies(100, "word"))))).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()); // 100 tokens at 20 ms: 2 s
        awaitInFlight(1, Duration.ofSeconds(10));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            String streamed = body("chat/completions", "one two three");
            OutputStream out = socket.getOutputStream();
            out.write(request("chat/completions", streamed.substring(0, streamed.length() - 1) + ", \"stream\": true}"));
            out.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (manager.info("story").queued() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(manager.info("story").queued()).as("the stream waits behind the first call").isEqualTo(1);
        } // the streaming client goes away before its first token
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (manager.info("story").queued() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(manager.info("story").queued()).as("it left the queue while the first call still ran").isZero();
        assertThat(manager.info("story").inFlight()).isEqualTo(1);
        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(manager.info("story").stats().requests()).as("the stream never ran").isEqualTo(2);
        assertThat(manager.info("story").stats().cancelled()).isEqualTo(1);
    }

    @Test
    void aClientThatStaysGetsItsAnswerAndKeepsItsConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int round = 0; round < 2; round++) { // two requests on one kept-alive connection
                out.write(request("completions", body("completions", "one two three four five six seven eight")));
                out.flush();
                String answer = readResponse(in);
                assertThat(answer).startsWith("HTTP/1.1 200").contains("eight seven six five four three two one")
                    .doesNotContainIgnoringCase("connection: close");
            }
        }
        assertThat(manager.info("story").stats().cancelled()).isZero();
    }

    /** One HTTP/1.1 response with a Content-Length body. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
