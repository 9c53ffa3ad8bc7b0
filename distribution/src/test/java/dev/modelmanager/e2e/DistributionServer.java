package dev.modelmanager.e2e;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A copy of the built distribution run as {@code bin/modelmanager --server} on a free port, hermetic (the Hub
 * offline, an empty Hub cache), with helpers to call it over HTTP and to run {@code bin/modelmanager -c} beside it;
 * unstarted, the copy and its free port serve to run the interactive shell ({@link #shell}) or {@code -c} alone.
 */
final class DistributionServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path home;
    final int port;
    private final Path hubCache;
    private Process process;
    private Path output;

    /** A fresh copy of the distribution in {@code target/<name>}. */
    DistributionServer(String name) throws IOException {
        this.home = Path.of("target", name).toAbsolutePath();
        DistributionIT.copyTree(Path.of(System.getProperty("dist.dir")), home);
        this.hubCache = Files.createTempDirectory("hub-cache");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    Map<String, String> environment() {
        return Map.of("JAVA_HOME", System.getProperty("java.home"), "HF_HUB_OFFLINE", "1",
            "HF_HUB_CACHE", hubCache.toString(), "MODELMANAGER_OPTS", "-Dorg.osgi.service.http.port=" + port);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Runs {@code bin/modelmanager} with these arguments (beside the server, they run inside it). */
    DistributionIT.Run run(String... args) throws Exception {
        return DistributionIT.modelmanager(home, environment(), args);
    }

    /** Runs {@code bin/modelmanager} with these arguments from {@code directory} as its working directory. */
    DistributionIT.Run runIn(Path directory, String... args) throws Exception {
        return DistributionIT.modelmanager(home, environment(), new File("/dev/null"), directory, args);
    }

    /**
     * Runs the interactive shell ({@code bin/modelmanager} without arguments), which reads these lines from its
     * standard input as if typed (JLine falls back to a dumb terminal), then {@code exit}.
     */
    DistributionIT.Run shell(String... lines) throws Exception {
        Path input = Files.createTempFile("mm-typed", ".txt");
        Files.writeString(input, String.join("\n", lines) + (lines.length == 0 ? "" : "\n") + "exit\n");
        return DistributionIT.modelmanager(home, environment(), input.toFile());
    }

    /** The server's process id. */
    long pid() {
        return process.pid();
    }

    /** Starts the server and waits until {@code /health/ready} answers 200. */
    DistributionServer start(Map<String, String> extraEnvironment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/modelmanager").toString(), "--server");
        Map<String, String> env = new HashMap<>(environment());
        env.putAll(extraEnvironment);
        builder.environment().putAll(env);
        output = Files.createTempFile("mm-server", ".txt");
        Process started = builder.redirectErrorStream(true).redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        process = started;
        await("the server is ready", Duration.ofSeconds(120), () -> {
            if (!started.isAlive()) {
                throw new AssertionError("the server exited: " + output());
            }
            try {
                return get("/health/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** SIGKILL: no shutdown hook, no clean stop. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not die");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    String output() {
        try {
            return (output == null ? "" : Files.readString(output)) + "\n--- log ---\n"
                + Files.readString(home.resolve("data/log/modelmanager.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    HttpResponse<String> get(String path, String... headers) throws IOException {
        return send("GET", path, null, headers);
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + "\n" + output());
            }
            Thread.sleep(100);
        }
    }
}
