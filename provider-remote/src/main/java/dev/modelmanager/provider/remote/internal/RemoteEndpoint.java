package dev.modelmanager.provider.remote.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * One endpoint's HTTP side: bounded concurrency, retries with exponential backoff and jitter on connection errors,
 * 408, 429 and 5xx (honouring {@code Retry-After} up to the longest backoff: a longer one fails the call at once as
 * overloaded), never on other 4xx; a circuit breaker; timeouts on connecting, on the answer's start, and on silence
 * within a streamed answer. The API key goes into headers only, and what the server says back is redacted of it.
 */
final class RemoteEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteEndpoint.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_RETRY_AFTER_MS = 300_000;

    /** Waits between retries (tests record instead of sleeping). */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final EndpointSettings settings;
    private final HttpClient http;
    private final Semaphore permits;
    private final CircuitBreaker breaker;
    private final Sleeper sleeper;
    /** What {@link #redact} hides: the key and the extra headers' values, the longest first. */
    private final List<String> secrets;

    RemoteEndpoint(EndpointSettings settings) {
        this(settings, d -> Thread.sleep(d.toMillis()));
    }

    RemoteEndpoint(EndpointSettings settings, Sleeper sleeper) {
        this(settings, sleeper, System::nanoTime);
    }

    RemoteEndpoint(EndpointSettings settings, Sleeper sleeper, LongSupplier clock) {
        this.settings = settings;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.permits = new Semaphore(settings.maxConcurrency(), true);
        this.breaker = new CircuitBreaker(settings.circuitFailures(), settings.circuitOpen(), clock);
        List<String> hidden = new ArrayList<>();
        if (settings.apiKey() != null) {
            hidden.add(settings.apiKey());
        }
        for (String value : settings.headers().values()) {
            hidden.add(value);
            // "Bearer tok...", "Basic ...": a server may echo the credential without its scheme
            for (String part : value.split("\\s+")) {
                if (part.length() >= 8) {
                    hidden.add(part);
                }
            }
        }
        // Values under 4 characters ("1", "on") would blank out ordinary words; none is a credential.
        this.secrets = hidden.stream().filter(v -> v.length() >= 4).distinct()
            .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    EndpointSettings settings() {
        return settings;
    }

    String name() {
        return settings.name();
    }

    String health() {
        return breaker.health();
    }

    /** A successful answer whose body is read as it arrives; closing it frees the endpoint's slot. */
    static final class Response implements AutoCloseable {
        private final StallGuard.Guarded body;
        private final Runnable release;
        private final AtomicBoolean closed = new AtomicBoolean();

        Response(StallGuard.Guarded body, Runnable release) {
            this.body = body;
            this.release = release;
        }

        InputStream body() {
            return body;
        }

        boolean stalled() {
            return body.stalled();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException e) {
                    // the connection goes either way
                } finally {
                    release.run();
                }
            }
        }
    }

    /** Sends a JSON POST ({@code body} non-null) or a GET; retries as configured; fails with a clear reason. */
    Response call(String method, String path, Object body, String modelId) {
        CircuitBreaker.Admission admission = breaker.admit();
        if (admission.refusal() != null) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + name() + "' is unavailable: "
                + admission.refusal());
        }
        try {
            acquire(modelId);
        } catch (RuntimeException e) {
            breaker.abandon(admission);
            throw e;
        }
        boolean handedOver = false;
        try {
            byte[] json = body == null ? null : JSON.writeValueAsBytes(body);
            for (int attempt = 0; ; attempt++) {
                HttpResponse<InputStream> response;
                try {
                    response = http.send(request(method, path, json), HttpResponse.BodyHandlers.ofInputStream());
                } catch (IOException e) {
                    String error = unanswered(e);
                    breaker.failure(error);
                    if (attempt < settings.retries()) {
                        backoff(attempt, -1, method, path, error);
                        continue;
                    }
                    throw new ModelException(e instanceof HttpTimeoutException ? ErrorCode.TIMEOUT
                        : ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + name() + "': " + error
                        + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : ""), e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    breaker.success();
                    handedOver = true;
                    return new Response(StallGuard.guard(response.body(), settings.readTimeout()), permits::release);
                }
                String message = errorMessage(response);
                if (status >= 500) {
                    breaker.failure("HTTP " + status + ": " + message);
                } else {
                    breaker.success(); // it answered: a refusal of this request says nothing against the server
                }
                boolean retryable = status == 408 || status == 429 || status >= 500;
                long retryAfter = retryAfterMillis(response.headers().firstValue("Retry-After").orElse(null));
                if (retryable && attempt < settings.retries() && retryAfter > settings.maxBackoff().toMillis()) {
                    throw new ModelException(ErrorCode.OVERLOADED, modelId, "endpoint '" + name() + "' answered HTTP "
                        + status + " and asked to retry after " + Math.max(1, retryAfter / 1000) + " s, longer than "
                        + "the longest wait between retries (retry.max.backoff.ms = " + settings.maxBackoff().toMillis()
                        + "): " + message);
                }
                if (retryable && attempt < settings.retries()) {
                    backoff(attempt, retryAfter, method, path, "HTTP " + status);
                    continue;
                }
                throw failure(status, message, modelId, attempt);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, modelId, "interrupted while calling endpoint '" + name() + "'", e);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "cannot write the request: " + e, e);
        } finally {
            breaker.abandon(admission);
            if (!handedOver) {
                permits.release();
            }
        }
    }

    /** Why a request got no answer: no connection within the connect timeout, no answer within the read timeout. */
    private String unanswered(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "could not connect within " + settings.connectTimeout();
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + settings.readTimeout();
        }
        return "cannot reach " + EndpointSettings.shown(settings.baseUrl()) + " (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + redact(e.getMessage())) + ")";
    }

    /**
     * The text with the API key and the value of every extra header replaced by {@code ***}: servers and the proxies
     * before them may echo what they were sent, and their words go into exceptions, health and logs.
     */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    /** Reads a small JSON answer whole. */
    JsonNode json(String method, String path, Object body, String modelId) {
        try (Response response = call(method, path, body, modelId)) {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + name() + "' sent an answer "
                + "that could not be read: " + e.getMessage(), e);
        }
    }

    private void acquire(String modelId) {
        try {
            if (!permits.tryAcquire(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ModelException(ErrorCode.OVERLOADED, modelId, "endpoint '" + name() + "' is busy: "
                    + settings.maxConcurrency() + " calls running (max.concurrency) for " + settings.readTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.CANCELLED, modelId, "interrupted while waiting for endpoint '"
                + name() + "'", e);
        }
    }

    private HttpRequest request(String method, String path, byte[] json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
            .timeout(settings.readTimeout())
            .header("Accept", "application/json, text/event-stream, application/x-ndjson");
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (settings.apiKey() != null) {
            if (settings.kind() == EndpointSettings.Kind.ANTHROPIC) {
                b.header("x-api-key", settings.apiKey());
            } else {
                b.header("Authorization", "Bearer " + settings.apiKey());
            }
        }
        if (settings.kind() == EndpointSettings.Kind.ANTHROPIC) {
            b.header("anthropic-version", settings.anthropicVersion());
        }
        settings.headers().forEach(b::header);
        return b.build();
    }

    /** Waits before retry {@code attempt + 1}: {@code retryAfter} ms when the server said (not -1), else backoff. */
    private void backoff(int attempt, long retryAfter, String method, String path, String why)
        throws InterruptedException {
        long millis = retryAfter;
        if (millis < 0) {
            long base = Math.min(settings.maxBackoff().toMillis(),
                settings.backoff().toMillis() * (1L << Math.min(20, attempt)));
            millis = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        }
        LOG.debug("{} {}{} failed ({}); retry {} of {} in {} ms", method, name(), path, why, attempt + 1,
            settings.retries(), millis);
        sleeper.sleep(Duration.ofMillis(millis));
    }

    /** {@code Retry-After} as seconds or an HTTP date, in milliseconds; -1 when absent or unreadable. */
    static long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, (long) (Double.parseDouble(value.strip()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }

    /** The server's own error message (OpenAI, Ollama and Anthropic shapes), or its first bytes; redacted. */
    private String errorMessage(HttpResponse<InputStream> response) {
        String text = redact(serverMessage(response));
        return text.length() <= 4096 ? text : text.substring(0, 4096) + "...";
    }

    private static String serverMessage(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            // Read past the 4 KiB shown, so that a secret across the cut is still whole when it is redacted.
            String text = new String(in.readNBytes(4096 + 512), StandardCharsets.UTF_8).strip();
            try {
                JsonNode node = JSON.readTree(text);
                JsonNode error = node.path("error");
                if (error.isTextual()) {
                    return error.asText();
                }
                if (error.path("message").isTextual()) {
                    return error.path("message").asText();
                }
                if (node.path("message").isTextual()) {
                    return node.path("message").asText();
                }
            } catch (IOException | RuntimeException notJson) {
                // fall through to the raw text
            }
            return text.isEmpty() ? "(no message)" : text;
        } catch (IOException e) {
            return "(the error body could not be read)";
        }
    }

    private ModelException failure(int status, String message, String modelId, int attempt) {
        String text = "endpoint '" + name() + "' answered HTTP " + status + ": " + message
            + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : "");
        return switch (status) {
            case 400, 413, 422 -> new ModelException(ErrorCode.INVALID_INPUT, modelId, text);
            case 401, 403 -> new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "api.key",
                text + " (check the endpoint's api.key)", null);
            case 408 -> new ModelException(ErrorCode.TIMEOUT, modelId, text);
            case 429 -> new ModelException(ErrorCode.OVERLOADED, modelId, text);
            default -> new ModelException(ErrorCode.INFERENCE_FAILED, modelId, text);
        };
    }
}
