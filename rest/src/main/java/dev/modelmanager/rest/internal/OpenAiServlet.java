package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.TokenUsage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * OpenAI-compatible inference under {@code /v1}, so that existing OpenAI clients work unchanged:
 * {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code POST /v1/embeddings},
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions} (both with {@code "stream": true} as
 * server-sent events). The {@code model} field names a registered model id (or {@code default}). Errors have
 * OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class OpenAiServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;

    private final transient ModelManager manager;

    OpenAiServlet(ModelManager manager, Supplier<RestSettings> settings) {
        super(settings);
        this.manager = manager;
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        String resource = String.join("/", path);
        if (path.size() >= 1 && path.get(0).equals("models")) {
            require(method, "GET", request);
            if (path.size() == 1) {
                List<Object> data = new ArrayList<>(manager.list().stream().map(OpenAiServlet::model).toList());
                manager.aliases().forEach((alias, target) -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("id", alias);
                    v.put("object", "model");
                    v.put("created", 0);
                    v.put("owned_by", "alias of " + target);
                    data.add(v);
                });
                Json.write(response, 200, Map.of("object", "list", "data", data));
            } else {
                Json.write(response, 200, model(manager.info(String.join("/", path.subList(1, path.size())))));
            }
            return;
        }
        switch (resource) {
            case "embeddings" -> {
                require(method, "POST", request);
                embeddings(body(request), response);
            }
            case "chat/completions" -> {
                require(method, "POST", request);
                chat(body(request), response);
            }
            case "completions" -> {
                require(method, "POST", request);
                completions(body(request), response);
            }
            default -> throw ApiError.notFound("no such endpoint: /v1/" + resource
                + " (served: /v1/models, /v1/embeddings, /v1/chat/completions, /v1/completions)");
        }
    }

    private static Map<String, Object> model(ModelInfo m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.modelId());
        v.put("object", "model");
        v.put("created", m.loadedAt() == null ? 0 : m.loadedAt().getEpochSecond());
        v.put("owned_by", m.provider() == null ? "modelmanager" : m.provider());
        v.put("model_type", m.modelType().id());
        v.put("status", m.status().name());
        return v;
    }

    // ------------------------------------------------------------------ embeddings

    private void embeddings(ObjectNode body, HttpServletResponse response) throws IOException {
        String model = Json.text(body, "model", true);
        List<String> input = Json.texts(body, "input");
        if (input == null || input.isEmpty()) {
            throw ApiError.badRequest("input", "input: is required (a string or an array of strings)");
        }
        String format = Json.text(body, "encoding_format", false);
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ApiError.badRequest("encoding_format", "encoding_format: must be float or base64, was " + format);
        }
        Integer dimensions = Json.integer(body, "dimensions");
        EmbeddingResult result = manager.embed(model, input);
        List<Map<String, Object>> data = new ArrayList<>(result.embeddings().size());
        for (int i = 0; i < result.embeddings().size(); i++) {
            Embedding e = result.embeddings().get(i);
            if (dimensions != null && dimensions != e.vector().length) {
                throw ApiError.badRequest("dimensions", "dimensions: this model gives " + e.vector().length
                    + " dimensions and cannot shorten them, asked " + dimensions);
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("object", "embedding");
            item.put("index", i);
            item.put("embedding", "base64".equals(format) ? base64(e.vector()) : e.vector());
            data.add(item);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "list");
        v.put("data", data);
        v.put("model", result.modelId());
        // The manager does not count embedding tokens; the fields are there because clients expect them.
        v.put("usage", Map.of("prompt_tokens", 0, "total_tokens", 0));
        Json.write(response, 200, v);
    }

    private static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
            buffer.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    // ------------------------------------------------------------------ chat and completions

    private void chat(ObjectNode body, HttpServletResponse response) throws IOException {
        String model = Json.text(body, "model", true);
        List<ChatMessage> messages = messages(body);
        GenerationOptions options = options(body);
        boolean stream = Json.bool(body, "stream", false);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        requireGenerating(model);
        if (!stream) {
            GenerationResult r = manager.chat(model, messages, options);
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", r.text());
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("message", message);
            choice.put("finish_reason", finish(r.finishReason()));
            choice.put("logprobs", null);
            Json.write(response, 200, answer(id, "chat.completion", created, r.modelId(), choice, usage(r.usage())));
            return;
        }
        boolean includeUsage = includeUsage(body);
        String modelId = manager.info(model).modelId();
        stream(response, manager.streamChat(model, messages, options), new ChunkWriter() {
            private boolean first = true;

            @Override
            public List<Object> chunks(GenerationChunk chunk) {
                List<Object> out = new ArrayList<>(2);
                Map<String, Object> delta = new LinkedHashMap<>();
                if (first) {
                    delta.put("role", "assistant");
                    first = false;
                }
                if (!chunk.text().isEmpty() || !chunk.last()) {
                    delta.put("content", chunk.text());
                }
                Map<String, Object> choice = new LinkedHashMap<>();
                choice.put("index", 0);
                choice.put("delta", delta);
                choice.put("logprobs", null);
                choice.put("finish_reason", chunk.last() ? finish(chunk.finishReason()) : null);
                Map<String, Object> v = envelope(id, "chat.completion.chunk", created, modelId);
                v.put("choices", List.of(choice));
                if (includeUsage) {
                    v.put("usage", null);
                }
                out.add(v);
                if (chunk.last() && includeUsage) {
                    out.add(answer(id, "chat.completion.chunk", created, modelId, null, usage(chunk.usage())));
                }
                return out;
            }
        });
    }

    private void completions(ObjectNode body, HttpServletResponse response) throws IOException {
        String model = Json.text(body, "model", true);
        List<String> prompts = Json.texts(body, "prompt");
        if (prompts == null || prompts.size() != 1) {
            throw ApiError.badRequest("prompt", "prompt: must be one string (" + (prompts == null ? "missing"
                : prompts.size() + " given") + ")");
        }
        String prompt = prompts.get(0);
        GenerationOptions options = options(body);
        boolean stream = Json.bool(body, "stream", false);
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        requireGenerating(model);
        if (!stream) {
            GenerationResult r = manager.generate(model, prompt, options);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("text", r.text());
            choice.put("logprobs", null);
            choice.put("finish_reason", finish(r.finishReason()));
            Json.write(response, 200, answer(id, "text_completion", created, r.modelId(), choice, usage(r.usage())));
            return;
        }
        boolean includeUsage = includeUsage(body);
        String modelId = manager.info(model).modelId();
        stream(response, manager.stream(model, prompt, options), chunk -> {
            List<Object> out = new ArrayList<>(2);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("text", chunk.text());
            choice.put("logprobs", null);
            choice.put("finish_reason", chunk.last() ? finish(chunk.finishReason()) : null);
            Map<String, Object> v = envelope(id, "text_completion", created, modelId);
            v.put("choices", List.of(choice));
            out.add(v);
            if (chunk.last() && includeUsage) {
                out.add(answer(id, "text_completion", created, modelId, null, usage(chunk.usage())));
            }
            return out;
        });
    }

    /** Unknown models answer 404 and non-generating models 400 before a stream starts. */
    private void requireGenerating(String model) {
        ModelInfo info = manager.info(model);
        if (info.modelType() != ModelType.TEXT_GENERATION && info.modelType() != ModelType.TEXT2TEXT) {
            throw ApiError.badRequest("model", "model: '" + info.modelId() + "' is a " + info.modelType()
                + " model and cannot generate text");
        }
    }

    private static boolean includeUsage(ObjectNode body) {
        ObjectNode streamOptions = Json.object(body, "stream_options");
        return streamOptions != null && Json.bool(streamOptions, "include_usage", false);
    }

    private static List<ChatMessage> messages(ObjectNode body) {
        JsonNode node = body.get("messages");
        if (node == null || node.isNull()) {
            throw ApiError.badRequest("messages", "messages: is required");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiError.badRequest("messages", "messages: must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String field = "messages[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode m)) {
                throw ApiError.badRequest(field, field + ": must be an object with role and content");
            }
            String role = Json.text(m, "role", true);
            ChatMessage.Role parsed = switch (role) {
                case "system", "developer" -> ChatMessage.Role.SYSTEM;
                case "user" -> ChatMessage.Role.USER;
                case "assistant" -> ChatMessage.Role.ASSISTANT;
                default -> throw ApiError.badRequest(field + ".role", field + ".role: must be system, developer, user "
                    + "or assistant, was " + role);
            };
            messages.add(new ChatMessage(parsed, content(m.get("content"), field + ".content")));
        }
        return messages;
    }

    /** A message's content: a string, or an array of {@code {"type": "text", "text": ...}} parts. */
    private static String content(JsonNode content, String field) {
        if (content == null || content.isNull()) {
            throw ApiError.badRequest(field, field + ": is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.badRequest(field + "[" + i + "]", field + "[" + i + "]: only text parts "
                        + "({\"type\": \"text\", \"text\": ...}) are supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiError.badRequest(field, field + ": must be a string or an array of text parts, was " + Json.kind(content));
    }

    private static GenerationOptions options(ObjectNode body) {
        Integer n = Json.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiError.badRequest("n", "n: only 1 choice per request is supported, was " + n);
        }
        Integer max = Json.integer(body, "max_completion_tokens");
        if (max == null) {
            max = Json.integer(body, "max_tokens");
        }
        List<String> stop = Json.texts(body, "stop");
        try {
            return GenerationOptions.builder()
                .maxOutputLength(max)
                .temperature(Json.decimal(body, "temperature"))
                .topP(Json.decimal(body, "top_p"))
                .topK(Json.integer(body, "top_k"))
                .seed(Json.longValue(body, "seed"))
                .stop(stop == null ? List.of() : stop)
                .build();
        } catch (ModelException e) {
            String field = "max_output_length".equals(e.field()) ? "max_tokens" : e.field();
            throw ApiError.badRequest(field, e.getMessage().replace("max_output_length", "max_tokens"));
        }
    }

    private static Map<String, Object> envelope(String id, String object, long created, String model) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("object", object);
        v.put("created", created);
        v.put("model", model);
        return v;
    }

    /** An answer with one choice and the usage, or (choice {@code null}) the usage chunk that ends a stream. */
    private static Map<String, Object> answer(String id, String object, long created, String model,
                                              Map<String, Object> choice, Map<String, Object> usage) {
        Map<String, Object> v = envelope(id, object, created, model);
        v.put("choices", choice == null ? List.of() : List.of(choice));
        v.put("usage", usage);
        return v;
    }

    private static Map<String, Object> usage(TokenUsage usage) {
        TokenUsage u = usage == null ? TokenUsage.NONE : usage;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("prompt_tokens", u.promptTokens());
        v.put("completion_tokens", u.completionTokens());
        v.put("total_tokens", u.totalTokens());
        return v;
    }

    private static String finish(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case LENGTH -> "length";
            case STOP, CANCELLED -> "stop";
        };
    }

    // ------------------------------------------------------------------ server-sent events

    /** Turns one generated chunk into the SSE events to send. */
    @FunctionalInterface
    private interface ChunkWriter {
        List<Object> chunks(GenerationChunk chunk);
    }

    private static final Object DONE = new Object();

    /**
     * Streams a generation as server-sent events, one request of the publisher at a time (backpressure: the
     * model produces no faster than the client reads). A client that goes away cancels the generation; a failure
     * mid-stream is sent as an error event before the stream ends.
     */
    private static void stream(HttpServletResponse response, Flow.Publisher<GenerationChunk> publisher,
                               ChunkWriter writer) throws IOException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
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
                if (event instanceof Flow.Subscription s) {
                    s.request(1);
                } else if (event instanceof GenerationChunk chunk) {
                    if (!started) {
                        start(response);
                        started = true;
                    }
                    OutputStream out = response.getOutputStream();
                    for (Object data : writer.chunks(chunk)) {
                        send(out, Json.MAPPER.writeValueAsString(data));
                    }
                    out.flush();
                    response.flushBuffer();
                    subscription[0].request(1);
                } else if (event instanceof Throwable t) {
                    ApiError error = t instanceof ModelException me ? ApiError.of(me)
                        : new ApiError(500, "server_error", "internal_error", null, String.valueOf(t.getMessage()));
                    if (!started) {
                        throw error;
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("message", error.getMessage());
                    body.put("type", error.type);
                    body.put("param", error.param);
                    body.put("code", error.code);
                    OutputStream out = response.getOutputStream();
                    send(out, Json.MAPPER.writeValueAsString(Map.of("error", body)));
                    out.flush();
                    return;
                } else {
                    if (!started) {
                        start(response);
                    }
                    OutputStream out = response.getOutputStream();
                    send(out, "[DONE]");
                    out.flush();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel(subscription[0]);
        } catch (IOException e) {
            // The client closed the connection: stop the model's work.
            cancel(subscription[0]);
            throw e;
        }
    }

    private static void cancel(Flow.Subscription s) {
        if (s != null) {
            s.cancel();
        }
    }

    private static void start(HttpServletResponse response) {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
