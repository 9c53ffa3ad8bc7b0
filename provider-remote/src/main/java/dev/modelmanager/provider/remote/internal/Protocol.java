package dev.modelmanager.provider.remote.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.TokenSink;

/** One wire protocol: how to ready, call and release a model on an endpoint that speaks it. */
abstract class Protocol {
    protected final RemoteEndpoint endpoint;

    Protocol(RemoteEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    static Protocol of(RemoteEndpoint endpoint) {
        return switch (endpoint.settings().kind()) {
            case OPENAI -> new OpenAiProtocol(endpoint);
            case OLLAMA -> new OllamaProtocol(endpoint);
            case ANTHROPIC -> new AnthropicProtocol(endpoint);
            case TEI -> new TeiProtocol(endpoint);
            case KSERVE -> new KServeProtocol(endpoint);
        };
    }

    /** The model types this protocol serves. */
    abstract java.util.Set<ModelType> modelTypes();

    /** The models the endpoint offers now (discovery); empty when it cannot tell. */
    abstract List<String> models(String modelId);

    /** The models with their type id where the endpoint says it ({@code null} where it does not). */
    Map<String, String> typedModels() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        models(null).forEach(m -> out.put(m, null));
        return out;
    }

    /** Readies a model (Ollama loads it); fails with a clear reason when the endpoint does not have it. */
    abstract Map<String, String> load(String modelId, String model, ModelType type);

    /**
     * {@link #load(String, String, ModelType)} with the whole requirement, for protocols that read its options (TEI,
     * KServe). An instance serves the one model it loaded: what loading learned (tensor names, batch limits) stays
     * in it.
     */
    Map<String, String> load(String modelId, String model, dev.modelmanager.api.ModelRequirement requirement) {
        return load(modelId, model, requirement.modelType());
    }

    /** Releases what {@link #load} took on the endpoint (Ollama unloads the model). */
    void unload(String modelId, String model) {
    }

    /** Keeps the model loaded on an endpoint that forgets idle models (Ollama). */
    void keepAlive(String modelId, String model) {
    }

    abstract List<float[]> embed(String modelId, String model, List<String> texts);

    /**
     * As {@link #embed}, with what the endpoint said it read: by default nothing
     * ({@link dev.modelmanager.api.Embedding#UNKNOWN}); endpoints that count a call's tokens as a whole (OpenAI's
     * {@code usage.prompt_tokens}, Ollama's {@code prompt_eval_count}) say that, per text unknown.
     */
    dev.modelmanager.api.spi.EmbeddingModel.Encoded embedEncoded(String modelId, String model, List<String> texts) {
        return dev.modelmanager.api.spi.EmbeddingModel.Encoded.uncounted(embed(modelId, model, texts));
    }

    /** A whole call's token count an endpoint answered in {@code field}, or unknown when it gave none. */
    static long tokensOf(JsonNode field) {
        return field.canConvertToLong() && field.asLong() >= 0 ? field.asLong()
            : dev.modelmanager.api.Embedding.UNKNOWN;
    }

    Completion chat(String modelId, String model, List<ChatMessage> messages, GenerationOptions options,
                    TokenSink sink) {
        throw unsupported(modelId, "chat");
    }

    Completion generate(String modelId, String model, String prompt, GenerationOptions options, TokenSink sink) {
        throw unsupported(modelId, "text generation");
    }

    /** Every label's score for each text, in the model's label order. */
    List<List<dev.modelmanager.api.LabelScore>> classify(String modelId, String model, List<String> texts) {
        throw unsupported(modelId, "classification");
    }

    /** Every label's score for each pair (a cross-encoder's query and document), in the model's label order. */
    List<List<dev.modelmanager.api.LabelScore>> classifyPairs(String modelId, String model,
                                                              List<dev.modelmanager.api.TextPair> pairs) {
        throw unsupported(modelId, "classification of text pairs");
    }

    protected ModelException unsupported(String modelId, String what) {
        return new ModelException(ErrorCode.CAPABILITY_MISSING, modelId, "endpoint '" + endpoint.name() + "' ("
            + endpoint.settings().kind().name().toLowerCase(java.util.Locale.ROOT) + ") does not serve " + what);
    }

    /** A boolean provider option ({@code true}/{@code false}), or the default when it is not given. */
    static boolean flag(Map<String, String> options, String key, boolean otherwise) {
        String value = options.get(key);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw ModelException.invalidRequirement("options." + key, "must be true or false, was " + value);
        };
    }

    /**
     * The shapes of output this endpoint's server holds its text to ({@code response_format}, {@code format}): what
     * its kind can ask for ({@link EndpointSettings.Kind#responseFormats()}), or fewer where its
     * {@code response.formats} setting says so.
     */
    final java.util.Set<dev.modelmanager.api.ResponseFormat.Kind> responseFormats() {
        return endpoint.settings().responseFormats();
    }

    // ------------------------------------------------------------------ shared request building

    /** A {@code json_schema} format's schema as a tree; one that is not a JSON object is the caller's to fix. */
    static JsonNode schema(dev.modelmanager.api.ResponseFormat format, String modelId) {
        try {
            JsonNode schema = RemoteEndpoint.JSON.readTree(format.schema());
            if (schema != null && schema.isObject()) {
                return schema;
            }
        } catch (IOException e) {
            // below
        }
        throw ModelException.invalidInput(modelId, "response_format.schema", "is not a JSON object");
    }

    /** Puts the sampling options the call gives (those it leaves out stay the server's defaults). */
    static void putSampling(com.fasterxml.jackson.databind.node.ObjectNode target, GenerationOptions options,
                            boolean withSeed, String stopField) {
        if (options.temperature() != null) {
            target.put("temperature", options.temperature());
        }
        if (options.topP() != null) {
            target.put("top_p", options.topP());
        }
        if (options.topK() != null) {
            target.put("top_k", options.topK());
        }
        if (withSeed && options.seed() != null) {
            target.put("seed", options.seed());
        }
        if (!options.stop().isEmpty()) {
            com.fasterxml.jackson.databind.node.ArrayNode stop = target.putArray(stopField);
            options.stop().forEach(stop::add);
        }
    }

    /** Puts chat messages as {@code [{"role", "content"}]}, roles in lower case. */
    static void putMessages(com.fasterxml.jackson.databind.node.ObjectNode body, List<ChatMessage> messages) {
        com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("messages");
        for (ChatMessage m : messages) {
            list.addObject().put("role", m.role().name().toLowerCase(java.util.Locale.ROOT)).put("content", m.content());
        }
    }

    // ------------------------------------------------------------------ shared stream reading

    /** What a streamed answer left when it ended. */
    static final class Progress {
        final StringBuilder text = new StringBuilder();
        FinishReason finish;
        int promptTokens;
        int completionTokens;
        /** Of the prompt's tokens, those the server says it read from its cache. */
        int cachedPromptTokens;
        boolean done;
        int pieces;

        /** Passes a piece to the sink; false when the caller stopped listening. */
        boolean emit(String piece, TokenSink sink) {
            if (piece == null || piece.isEmpty()) {
                return true;
            }
            text.append(piece);
            pieces++;
            return sink.accept(piece);
        }

        Completion completion() {
            return new Completion(text.toString(), finish == null ? FinishReason.STOP : finish,
                new TokenUsage(Math.max(0, promptTokens), Math.max(0, completionTokens > 0 ? completionTokens : pieces),
                    Math.max(0, Math.min(cachedPromptTokens, promptTokens))));
        }
    }

    /** Handles one server-sent event; returns false to stop reading (done, or the caller cancelled). */
    @FunctionalInterface
    interface EventHandler {
        boolean event(String type, String data) throws IOException;
    }

    /**
     * Reads server-sent events until the handler stops or the stream ends. The stream ending before the handler
     * said it was done is an error; so is silence longer than the read timeout.
     */
    protected void readEvents(RemoteEndpoint.Response response, String modelId, Progress progress, EventHandler handler) {
        try (response; BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
            StandardCharsets.UTF_8))) {
            String type = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0 || type != null) {
                        if (!handler.event(type, data.toString())) {
                            return;
                        }
                    }
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
            if (data.length() > 0 && !handler.event(type, data.toString())) {
                return;
            }
            if (!progress.done) {
                throw truncated(modelId);
            }
        } catch (IOException e) {
            throw readFailure(response, modelId, e);
        }
    }

    /** Reads newline-delimited JSON until the handler stops or the stream ends. */
    protected void readLines(RemoteEndpoint.Response response, String modelId, Progress progress,
                             java.util.function.Predicate<JsonNode> handler) {
        try (response; BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (!handler.test(RemoteEndpoint.JSON.readTree(line))) {
                    return;
                }
            }
            if (!progress.done) {
                throw truncated(modelId);
            }
        } catch (IOException e) {
            throw readFailure(response, modelId, e);
        }
    }

    /** The server's own words about a failure in the middle of its answer, redacted of the endpoint's secrets. */
    protected ModelException failedMidAnswer(String modelId, ErrorCode code, String what) {
        return new ModelException(code, modelId, "endpoint '" + endpoint.name() + "' failed mid-answer: "
            + endpoint.redact(what));
    }

    /** One vector of an answer: a non-empty list of numbers, else a typed error saying where in the answer. */
    protected float[] vector(JsonNode values, String modelId, String where) {
        if (!values.isArray() || values.isEmpty()) {
            throw malformedAnswer(modelId, where + " is not a list of numbers");
        }
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = values.get(i);
            if (!x.isNumber()) {
                throw malformedAnswer(modelId, where + "[" + i + "] is not a number");
            }
            v[i] = (float) x.asDouble();
        }
        return v;
    }

    protected ModelException malformedAnswer(String modelId, String what) {
        return new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + endpoint.name()
            + "' sent a malformed answer: " + what);
    }

    private ModelException truncated(String modelId) {
        return new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + endpoint.name()
            + "' closed the stream before the answer was complete");
    }

    private ModelException readFailure(RemoteEndpoint.Response response, String modelId, IOException e) {
        if (response.stalled()) {
            return new ModelException(ErrorCode.TIMEOUT, modelId, "endpoint '" + endpoint.name() + "' sent nothing for "
                + endpoint.settings().readTimeout() + " in the middle of its answer", e);
        }
        return new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "reading the answer of endpoint '"
            + endpoint.name() + "' failed: " + e.getMessage(), e);
    }

    static JsonNode parse(String data, String modelId, String endpoint) {
        try {
            return RemoteEndpoint.JSON.readTree(data);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "endpoint '" + endpoint + "' sent an event "
                + "that is not JSON: " + e.getMessage());
        }
    }

    static ModelException missing(String modelId, String endpoint, String model, List<String> known) {
        return new ModelException(ErrorCode.LOAD_FAILED, modelId, "endpoint '" + endpoint + "' has no model '" + model
            + "'" + (known.isEmpty() ? "" : "; it has: " + String.join(", ", known.subList(0, Math.min(20, known.size())))));
    }
}
