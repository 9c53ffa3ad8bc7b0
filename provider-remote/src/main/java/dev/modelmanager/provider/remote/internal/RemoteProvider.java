package dev.modelmanager.provider.remote.internal;

import dev.modelmanager.api.annotation.ProvideModelTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;

/**
 * The {@code remote} provider: models whose source is {@code endpoint=<name> remote_model=<model>}, served by a
 * configured endpoint (OpenAI-compatible, Ollama, Anthropic, Hugging Face text-embeddings-inference, KServe v2).
 * Remote models take no local memory (estimate and measurement are 0). Ollama models that are pinned or have a priority above 0 are pinged before the server's
 * keep-alive runs out, so the server does not unload them.
 */
@ProvideModelTypes(provider = RemoteProvider.NAME, value = {"embedding", "text_generation", "classification"})
@Component(service = {ModelProvider.class, dev.modelmanager.api.spi.CatalogSource.class}, property = {
    ModelManagerConstants.PROVIDER_NAME + "=remote",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=embedding",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=text_generation",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=classification"
})
public final class RemoteProvider implements ModelProvider, dev.modelmanager.api.spi.CatalogSource {
    /** How long what an endpoint said it serves is kept before it is asked again. */
    static final java.time.Duration DISCOVERY_TTL = java.time.Duration.ofMinutes(5);
    private final Map<String, List<dev.modelmanager.api.CatalogEntry>> discovered = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.ScheduledFuture<?>> discoveries = new ConcurrentHashMap<>();

    private static final Logger LOG = LoggerFactory.getLogger(RemoteProvider.class);
    public static final String NAME = "remote";

    private final Map<String, RemoteEndpoint> endpoints = new ConcurrentHashMap<>();
    private final ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modelmanager-remote-keepalive");
        t.setDaemon(true);
        return t;
    });

    /** Endpoints the environment declares ({@link EnvironmentEndpoints}), by name; configured ones win. */
    private final Map<String, RemoteEndpoint> fromEnvironment = new ConcurrentHashMap<>();
    /** Names of the endpoints configurations declare. */
    private final Set<String> configured = ConcurrentHashMap.newKeySet();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindEndpoint(EndpointComponent component) {
        synchronized (configured) { // against environment(): a configured endpoint is never replaced by it
            configured.add(component.endpoint().name());
            add(component.endpoint());
        }
    }

    void unbindEndpoint(EndpointComponent component) {
        synchronized (configured) {
            unbind(component);
        }
    }

    private void unbind(EndpointComponent component) {
        String name = component.endpoint().name();
        if (endpoints.remove(name, component.endpoint())) {
            configured.remove(name);
            discovered.remove(name);
            java.util.concurrent.ScheduledFuture<?> f = discoveries.remove(name);
            if (f != null) {
                f.cancel(false);
            }
            RemoteEndpoint declared = fromEnvironment.get(name);
            if (declared != null) {
                add(declared); // the environment's endpoint of that name is back
            }
        }
    }

    /** Adds the endpoints the process environment declares (configured endpoints are bound already or replace them). */
    @Activate
    void activate() {
        environment(System.getenv());
    }

    /** Adds the endpoints these variables declare, below those configurations declare. */
    void environment(Map<String, String> variables) {
        List<EndpointSettings> declared;
        try {
            declared = EnvironmentEndpoints.from(variables);
        } catch (RuntimeException e) {
            LOG.warn("Environment endpoint not added: {}", e.getMessage());
            return;
        }
        for (EndpointSettings settings : declared) {
            RemoteEndpoint endpoint = new RemoteEndpoint(settings);
            synchronized (configured) {
                fromEnvironment.put(settings.name(), endpoint);
                if (configured.contains(settings.name())) {
                    LOG.info("Remote endpoint {} from the environment not used: a configuration declares it",
                        settings.name());
                } else {
                    LOG.info("Remote endpoint from the environment: {}", settings);
                    add(endpoint);
                }
            }
        }
    }

    /** Adds or replaces an endpoint. */
    void add(RemoteEndpoint endpoint) {
        RemoteEndpoint previous = endpoints.put(endpoint.name(), endpoint);
        if (previous != null && previous != endpoint) {
            LOG.info("Remote endpoint {} replaced", endpoint.name());
        }
        java.util.concurrent.ScheduledFuture<?> old = discoveries.put(endpoint.name(), pings.scheduleWithFixedDelay(
            () -> discover(endpoint), 0, DISCOVERY_TTL.toSeconds(), TimeUnit.SECONDS));
        if (old != null) {
            old.cancel(false);
        }
    }

    /** Asks every endpoint now, one after another within their timeouts; answers those that could not answer. */
    @Override
    public Map<String, String> refresh() {
        Map<String, String> failures = new TreeMap<>();
        for (RemoteEndpoint endpoint : new TreeMap<>(endpoints).values()) {
            String problem = discover(endpoint);
            if (problem != null) {
                failures.put("endpoint:" + endpoint.name(), problem);
            }
        }
        return failures;
    }

    /**
     * Asks an endpoint which models it serves, for the catalog (in the background; kept for the TTL); answers why it
     * could not, or {@code null}.
     */
    private String discover(RemoteEndpoint endpoint) {
        if (endpoints.get(endpoint.name()) != endpoint) {
            return null;
        }
        try {
            List<dev.modelmanager.api.CatalogEntry> entries = new ArrayList<>();
            for (Map.Entry<String, String> m : Protocol.of(endpoint).typedModels().entrySet()) {
                String model = m.getKey();
                ModelType type = null;
                boolean reranker = "reranker".equals(m.getValue());
                try {
                    type = m.getValue() == null ? null
                        : reranker ? ModelType.CLASSIFICATION : ModelType.fromId(m.getValue());
                } catch (RuntimeException unknown) {
                    // guessed below
                }
                boolean guessed = type == null;
                if (guessed) {
                    EndpointSettings.Kind kind = endpoint.settings().kind();
                    boolean embed = model.toLowerCase(java.util.Locale.ROOT).contains("embed");
                    type = kind == EndpointSettings.Kind.KSERVE || kind == EndpointSettings.Kind.TEI
                        ? (embed ? ModelType.EMBEDDING : ModelType.CLASSIFICATION)
                        : embed && kind != EndpointSettings.Kind.ANTHROPIC ? ModelType.EMBEDDING
                        : ModelType.TEXT_GENERATION;
                }
                Map<String, String> metadata = new java.util.HashMap<>();
                metadata.put("endpoint", endpoint.name());
                if (guessed) {
                    metadata.put("type_guessed", "true");
                }
                if (reranker) {
                    metadata.put("reranker", "true");
                }
                entries.add(new dev.modelmanager.api.CatalogEntry(model, endpoint.name(), type,
                    "served by endpoint " + endpoint.name() + " (" + endpoint.settings().kind().name()
                        .toLowerCase(java.util.Locale.ROOT) + ")", null, null, null, null,
                    type == ModelType.EMBEDDING ? java.util.Set.of("embeddings")
                        : reranker ? java.util.Set.of("classification", "rerank")
                        : type == ModelType.CLASSIFICATION ? java.util.Set.of("classification")
                        : java.util.Set.of("chat_completion", "streaming"), null,
                    null, false, metadata, "endpoint:" + endpoint.name()));
            }
            discovered.put(endpoint.name(), List.copyOf(entries));
            return null;
        } catch (RuntimeException e) {
            LOG.debug("Discovery on endpoint {} failed: {}", endpoint.name(), e.getMessage());
            return e.getMessage();
        }
    }

    /** What the endpoints said they serve, as catalog entries (discovered in the background). */
    @Override
    public List<dev.modelmanager.api.CatalogEntry> entries() {
        List<dev.modelmanager.api.CatalogEntry> all = new ArrayList<>();
        discovered.values().forEach(all::addAll);
        return all;
    }

    /**
     * Adds an endpoint with default timeouts, retries and circuit breaker (for embedders outside OSGi and tests;
     * inside OSGi, configurations add them).
     *
     * @param kind {@code openai}, {@code ollama}, {@code anthropic}, {@code tei} or {@code kserve}
     */
    public void addEndpoint(String name, String kind, String baseUrl, String apiKey) {
        add(new RemoteEndpoint(EndpointSettings.of(name, EndpointSettings.Kind.parse(kind), baseUrl, apiKey)));
    }

    @Deactivate
    public void deactivate() {
        pings.shutdownNow();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ModelType> modelTypes() {
        return Set.of(ModelType.EMBEDDING, ModelType.TEXT_GENERATION, ModelType.CLASSIFICATION);
    }

    /** Its models run on the endpoint's machine: no local GPU is theirs. */
    @Override
    public boolean runsOn(DeviceInfo device) {
        return !device.isGpu();
    }

    /** Endpoints whose circuit is open, if any. */
    @Override
    public String unavailableReason() {
        List<String> down = new ArrayList<>();
        new TreeMap<>(endpoints).forEach((name, e) -> {
            String health = e.health();
            if (health.startsWith("OPEN") || health.startsWith("HALF_OPEN")) {
                down.add(name + ": " + health);
            }
        });
        return down.isEmpty() ? null : "endpoint(s) failing: " + String.join("; ", down);
    }

    @Override
    public ProviderFit assess(ModelRequirement requirement) {
        if (!(requirement.source() instanceof ModelSource.Remote remote)) {
            return ProviderFit.unsupported("serves remote sources only (endpoint=<name> remote_model=<model>)");
        }
        RemoteEndpoint endpoint = endpoints.get(remote.endpoint());
        if (endpoint == null) {
            return ProviderFit.unsupported("no endpoint named '" + remote.endpoint() + "' is configured (known: "
                + (endpoints.isEmpty() ? "none" : String.join(", ", new TreeMap<>(endpoints).keySet())) + ")");
        }
        Protocol protocol = Protocol.of(endpoint);
        if (!protocol.modelTypes().contains(requirement.modelType())) {
            return ProviderFit.unsupported("endpoint '" + endpoint.name() + "' (" + endpoint.settings().kind()
                + ") serves no " + requirement.modelType() + " models");
        }
        return ProviderFit.supported(90);
    }

    @Override
    public long estimateMemory(ModelRequirement requirement, DeviceInfo device) {
        return 0;
    }

    @Override
    public LoadedModel load(LoadRequest request) {
        ModelRequirement requirement = request.requirement();
        ModelSource.Remote remote = (ModelSource.Remote) requirement.source();
        RemoteEndpoint endpoint = endpoints.get(remote.endpoint());
        if (endpoint == null) {
            throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), "endpoint '" + remote.endpoint()
                + "' is no longer configured");
        }
        Protocol protocol = Protocol.of(endpoint);
        Map<String, String> facts = protocol.load(request.modelId(), remote.model(), requirement);
        RemoteModel model;
        if (requirement.modelType() == ModelType.EMBEDDING) {
            int dimension = protocol.embed(request.modelId(), remote.model(), List.of("dimension")).get(0).length;
            if (requirement.dimension() != null && requirement.dimension() != dimension) {
                protocol.unload(request.modelId(), remote.model());
                throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), "dimension",
                    "the requirement says dimension " + requirement.dimension() + " but '" + remote.model() + "' on '"
                        + endpoint.name() + "' gives " + dimension, null);
            }
            model = new RemoteModel.Embedder(request.modelId(), remote.model(), endpoint, protocol, facts, dimension);
        } else if (requirement.modelType() == ModelType.CLASSIFICATION) {
            model = new RemoteModel.Classifier(request.modelId(), remote.model(), endpoint, protocol, facts);
        } else {
            model = new RemoteModel.Generator(request.modelId(), remote.model(), endpoint, protocol, facts);
        }
        if (endpoint.settings().kind() == EndpointSettings.Kind.OLLAMA
            && (requirement.pinned() || requirement.priority() > 0)) {
            long every = Math.max(1, endpoint.settings().keepAlive().toSeconds() / 2);
            model.keepAlive(pings.scheduleWithFixedDelay(() -> {
                try {
                    protocol.keepAlive(request.modelId(), remote.model());
                } catch (RuntimeException e) {
                    LOG.warn("Keep-alive of {} on endpoint {} failed: {}", remote.model(), endpoint.name(), e.getMessage());
                }
            }, every, every, TimeUnit.SECONDS));
        }
        LOG.info("Model {} served by endpoint {} as '{}'", request.modelId(), endpoint.name(), remote.model());
        return model;
    }
}
