package dev.modelmanager.provider.remote.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.TextPair;
import dev.modelmanager.api.spi.ChatModel;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.TokenSink;

/** A model served by an endpoint: it takes no local memory, and its status shows the endpoint's health. */
abstract class RemoteModel implements LoadedModel {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteModel.class);

    protected final String modelId;
    protected final String model;
    protected final RemoteEndpoint endpoint;
    protected final Protocol protocol;
    private final Map<String, String> facts;
    private volatile ScheduledFuture<?> keepAlive;
    private volatile boolean closed;

    RemoteModel(String modelId, String model, RemoteEndpoint endpoint, Protocol protocol, Map<String, String> facts) {
        this.modelId = modelId;
        this.model = model;
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.facts = Map.copyOf(facts);
    }

    void keepAlive(ScheduledFuture<?> pings) {
        this.keepAlive = pings;
    }

    @Override
    public String device() {
        return "remote:" + endpoint.name();
    }

    @Override
    public long memoryBytes() {
        return 0;
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("endpoint", endpoint.name());
        d.put("endpoint.kind", endpoint.settings().kind().name().toLowerCase(java.util.Locale.ROOT));
        d.put("endpoint.url", EndpointSettings.shown(endpoint.settings().baseUrl()));
        d.put("endpoint.health", endpoint.health());
        d.put("remote.model", model);
        long every = Math.max(1, endpoint.settings().keepAlive().toSeconds() / 2);
        d.put("keep.alive", keepAlive == null ? "no" : "every " + every + " s");
        d.putAll(facts);
        return d;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ScheduledFuture<?> pings = keepAlive;
        if (pings != null) {
            pings.cancel(false);
        }
        try {
            protocol.unload(modelId, model);
        } catch (RuntimeException e) {
            LOG.debug("Releasing {} on endpoint {} failed: {}", model, endpoint.name(), e.getMessage());
        }
    }

    /** An embedding model on an endpoint. */
    static final class Embedder extends RemoteModel implements EmbeddingModel {
        private final int dimension;

        Embedder(String modelId, String model, RemoteEndpoint endpoint, Protocol protocol, Map<String, String> facts,
                 int dimension) {
            super(modelId, model, endpoint, protocol, facts);
            this.dimension = dimension;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            return protocol.embed(modelId, model, texts);
        }

        /** With what the endpoint counted, where it does (see {@link Protocol#embedEncoded}). */
        @Override
        public Encoded embedEncoded(List<String> texts, String promptName) throws Exception {
            if (promptName != null) {
                return EmbeddingModel.super.embedEncoded(texts, promptName); // refused: the endpoint has no prompts
            }
            return protocol.embedEncoded(modelId, model, texts);
        }
    }

    /** A classification model on an endpoint (TEI, KServe); pairs where the endpoint's model reads them. */
    static final class Classifier extends RemoteModel implements ClassificationModel {
        Classifier(String modelId, String model, RemoteEndpoint endpoint, Protocol protocol, Map<String, String> facts) {
            super(modelId, model, endpoint, protocol, facts);
        }

        @Override
        public List<List<LabelScore>> classify(List<String> texts) {
            return protocol.classify(modelId, model, texts);
        }

        @Override
        public List<List<LabelScore>> classifyPairs(List<TextPair> pairs) {
            return protocol.classifyPairs(modelId, model, pairs);
        }
    }

    /** A generation and chat model on an endpoint. */
    static final class Generator extends RemoteModel implements GenerationModel, ChatModel {
        Generator(String modelId, String model, RemoteEndpoint endpoint, Protocol protocol, Map<String, String> facts) {
            super(modelId, model, endpoint, protocol, facts);
        }

        /**
         * What the endpoint holds text to: its kind's formats (OpenAI-compatible and Ollama: JSON and schemas), or
         * fewer where its {@code response.formats} says so.
         */
        @Override
        public java.util.Set<dev.modelmanager.api.ResponseFormat.Kind> responseFormats() {
            return protocol.responseFormats();
        }

        @Override
        public Completion generate(String prompt, GenerationOptions options, TokenSink sink) {
            return protocol.generate(modelId, model, prompt, options, sink);
        }

        @Override
        public Completion chat(List<ChatMessage> messages, GenerationOptions options, TokenSink sink) {
            return protocol.chat(modelId, model, messages, options, sink);
        }
    }
}
