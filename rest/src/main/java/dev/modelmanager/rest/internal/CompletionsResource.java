package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelType;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}, answered whole or, with
 * {@code "stream": true}, as server-sent events (with {@code stream_options.include_usage}, a last usage chunk).
 */
final class CompletionsResource {
    private final ModelManager manager;

    CompletionsResource(ModelManager manager) {
        this.manager = manager;
    }

    void addTo(Routes routes) {
        routes.add("POST", "chat/completions", this::chat).add("POST", "completions", this::completions);
    }

    private void chat(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
        HttpServletResponse response = x.response();
        String model = Json.text(body, "model", true);
        List<ChatMessage> messages = OpenAiFormat.messages(body);
        GenerationOptions options = OpenAiFormat.options(body, true);
        String outputField = OpenAiFormat.outputField(body);
        x.request().setAttribute(ApiError.OUTPUT_FIELD, outputField);
        boolean stream = Json.bool(body, "stream", false);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        requireGenerating(model);
        ModelManager calls = ClientTurns.of(manager, x.request());
        if (!stream) {
            // Not streamed: a client that leaves cancels the generation (it would otherwise run for nobody).
            GenerationResult r = OpenAiFormat.finished(ClientGone.await(x.request(), response,
                calls.chatAsync(model, messages, options).toCompletableFuture()));
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", r.text());
            message.put("refusal", null);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("message", message);
            choice.put("finish_reason", OpenAiFormat.finish(r.finishReason()));
            choice.put("logprobs", null);
            x.write(200, OpenAiFormat.answer(id, "chat.completion", created, r.modelId(), choice, OpenAiFormat.usage(r.usage())));
            return;
        }
        boolean includeUsage = OpenAiFormat.includeUsage(body);
        String modelId = manager.info(model).modelId();
        EventStream.send(x.request(), response, calls.streamChat(model, messages, options), outputField, new EventStream.ChunkWriter() {
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
                choice.put("finish_reason", chunk.last() ? OpenAiFormat.finish(chunk.finishReason()) : null);
                Map<String, Object> v = OpenAiFormat.envelope(id, "chat.completion.chunk", created, modelId);
                v.put("choices", List.of(choice));
                if (includeUsage) {
                    v.put("usage", null);
                }
                out.add(v);
                if (chunk.last() && includeUsage) {
                    out.add(OpenAiFormat.answer(id, "chat.completion.chunk", created, modelId, null, OpenAiFormat.usage(chunk.usage())));
                }
                return out;
            }
        });
    }

    private void completions(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
        HttpServletResponse response = x.response();
        String model = Json.text(body, "model", true);
        List<String> prompts = Json.texts(body, "prompt");
        if (prompts == null || prompts.size() != 1) {
            throw ApiError.badRequest("prompt", "prompt: must be one string (" + (prompts == null ? "missing"
                : prompts.size() + " given") + ")");
        }
        String prompt = prompts.get(0);
        GenerationOptions options = OpenAiFormat.options(body, false);
        String outputField = OpenAiFormat.outputField(body);
        x.request().setAttribute(ApiError.OUTPUT_FIELD, outputField);
        boolean stream = Json.bool(body, "stream", false);
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        requireGenerating(model);
        ModelManager calls = ClientTurns.of(manager, x.request());
        if (!stream) {
            GenerationResult r = OpenAiFormat.finished(ClientGone.await(x.request(), response,
                calls.generateAsync(model, prompt, options).toCompletableFuture()));
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("text", r.text());
            choice.put("logprobs", null);
            choice.put("finish_reason", OpenAiFormat.finish(r.finishReason()));
            x.write(200, OpenAiFormat.answer(id, "text_completion", created, r.modelId(), choice, OpenAiFormat.usage(r.usage())));
            return;
        }
        boolean includeUsage = OpenAiFormat.includeUsage(body);
        String modelId = manager.info(model).modelId();
        EventStream.send(x.request(), response, calls.stream(model, prompt, options), outputField, chunk -> {
            List<Object> out = new ArrayList<>(2);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("text", chunk.text());
            choice.put("logprobs", null);
            choice.put("finish_reason", chunk.last() ? OpenAiFormat.finish(chunk.finishReason()) : null);
            Map<String, Object> v = OpenAiFormat.envelope(id, "text_completion", created, modelId);
            v.put("choices", List.of(choice));
            if (includeUsage) {
                v.put("usage", null); // as on chat chunks: the usage comes in its own last chunk
            }
            out.add(v);
            if (chunk.last() && includeUsage) {
                out.add(OpenAiFormat.answer(id, "text_completion", created, modelId, null, OpenAiFormat.usage(chunk.usage())));
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
}
