package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ClassificationResult;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ProviderInfo;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.TransformResult;
import dev.modelmanager.api.spi.DeviceProvider;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.core.internal.source.ResourceLocator;

/**
 * The {@link ModelManager} service. Keeps the registry, tracks provider and device services (whiteboard), and
 * routes calls to the models' workers through {@link Inference}.
 */
@Component(service = ModelManager.class, configurationPid = ModelManagerConstants.MANAGER_PID)
@Designate(ocd = ManagerConfig.class)
public final class ModelManagerImpl implements ModelManager {
    private static final Logger LOG = LoggerFactory.getLogger(ModelManagerImpl.class);

    private final ManagerContext ctx;
    private final ModelRegistry registry;
    private final Inference inference;
    private final ProviderRegistry providers = new ProviderRegistry();
    private final DeviceRegistry devices = new DeviceRegistry();
    private final EventPublisher events = new EventPublisher();
    /** {@code null} when the state is not kept. */
    private final StatePersistence persistence;

    @Activate
    public ModelManagerImpl(ManagerConfig config, BundleContext context) {
        this(stateless(context) ? ManagerSettings.from(config).withStateFile(null) : ManagerSettings.from(config),
            new BundleResourceLocator(context));
    }

    /** A second process on the same installation keeps no state (the launcher says so). */
    private static boolean stateless(BundleContext context) {
        return Boolean.parseBoolean(context.getProperty("dev.modelmanager.state.disabled"));
    }

    /** A manager outside OSGi (tests, benchmarks): classpath sources are looked up in its own class loader. */
    public ModelManagerImpl(ManagerSettings settings) {
        this(settings, ResourceLocator.of(ModelManagerImpl.class.getClassLoader()));
    }

    public ModelManagerImpl(ManagerSettings settings, ResourceLocator resources) {
        this(settings, resources, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    }

    /** With the clock the embedding caches expire by (tests drive it instead of sleeping). */
    ModelManagerImpl(ManagerSettings settings, ResourceLocator resources, com.github.benmanes.caffeine.cache.Ticker ticker) {
        this.registry = new ModelRegistry(events);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("modelmanager-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.ctx = new ManagerContext(settings, resources, providers, devices, events,
            Executors.newCachedThreadPool(DaemonThreads.named("modelmanager-lifecycle")), scheduler, this::removed,
            ticker);
        this.inference = new Inference(ctx, new Calls(ctx), registry::resolve);
        ctx.entries = registry::all;
        if (settings.stateFile() != null) {
            java.nio.file.Path file = settings.workDir().resolve(settings.stateFile());
            this.persistence = new StatePersistence(new StateStore(file), registry, ctx);
            persistence.restore(this);
            persistence.schedule(STATE_CHECK_MILLIS);
        } else {
            this.persistence = null;
        }
        LOG.info("Model manager started ({})", settings);
    }

    /** How often loads, unloads and statistics are checked for changes to write. */
    private static final long STATE_CHECK_MILLIS = 5_000;

    private void removed(ModelEntry entry) {
        registry.removed(entry);
        // Its statistics continue if the model is registered again.
        ctx.restoredStats.put(entry.id(), entry.stats());
        saveState();
    }

    private void saveState() {
        if (persistence != null) {
            persistence.save();
        }
    }

    @Modified
    void modified(ManagerConfig config) {
        ctx.settings(ManagerSettings.from(config));
        LOG.info("Model manager reconfigured ({})", ctx.settings());
    }

    /** Unloads every model, failing calls still running, and stops the manager's threads. */
    @Deactivate
    public void close() {
        // Saved before the models unload, so that a restart loads again what was loaded.
        saveState();
        Duration drain = ctx.settings().providerDrainTimeout();
        for (ModelEntry entry : registry.drain()) {
            entry.shutdown(drain);
        }
        ctx.scheduler.shutdownNow();
        // Loads still inside a provider finish on their own (native loads cannot be interrupted safely); their
        // instances are closed as stale. Wait for that, within the drain timeout, before reporting stopped.
        ctx.lifecycle.shutdown();
        try {
            if (!ctx.lifecycle.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Model loads still running after {}; stopping without them", drain);
                ctx.lifecycle.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.lifecycle.shutdownNow();
        }
        LOG.info("Model manager stopped");
    }

    // ------------------------------------------------------------------ whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindProvider(ModelProvider provider, Map<String, Object> properties) {
        ProviderRegistry.Bound bound = providers.add(provider, properties);
        LOG.info("Provider {} arrived (model types {})", bound.name(), provider.modelTypes());
        for (ModelEntry entry : registry.all()) {
            entry.providerArrived();
        }
    }

    public void unbindProvider(ModelProvider provider) {
        ProviderRegistry.Bound bound = providers.remove(provider);
        if (bound == null) {
            return;
        }
        LOG.info("Provider {} left", bound.name());
        for (ModelEntry entry : registry.all()) {
            entry.providerLeft(provider);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindDeviceProvider(DeviceProvider provider) {
        devices.add(provider);
    }

    public void unbindDeviceProvider(DeviceProvider provider) {
        devices.remove(provider);
    }

    private volatile dev.modelmanager.api.ModelCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void bindCatalog(dev.modelmanager.api.ModelCatalog value) {
        catalog = value;
    }

    public void unbindCatalog(dev.modelmanager.api.ModelCatalog value) {
        if (catalog == value) {
            catalog = null;
        }
    }

    /**
     * Checks a new registration against the catalog entry of its model name, if there is one: the model type, the
     * embedding dimension and the context window must agree; a deprecated model is registered with a warning.
     */
    private void checkCatalog(String modelId, ModelRequirement requirement) {
        dev.modelmanager.api.ModelCatalog c = catalog;
        if (c == null) {
            return;
        }
        c.find(requirement.name()).ifPresent(entry -> {
            String where = " (catalog: " + entry.origin() + ")";
            boolean guessed = "true".equals(entry.metadata().get("type_guessed"));
            if (!guessed && entry.modelType() != requirement.modelType()) {
                throw ModelException.invalidRequirement("model_type", "the catalog lists " + requirement.name()
                    + " as a " + entry.modelType() + " model, not " + requirement.modelType() + where);
            }
            if (entry.dimension() != null && requirement.dimension() != null
                && !entry.dimension().equals(requirement.dimension())) {
                throw ModelException.invalidRequirement("dimension", requirement.name() + " gives "
                    + entry.dimension() + " dimensions, not " + requirement.dimension() + where);
            }
            if (entry.contextWindow() != null && requirement.maxInputLength() != null
                && requirement.maxInputLength() > entry.contextWindow()) {
                throw ModelException.invalidRequirement("max_input_length", requirement.name() + " has a context "
                    + "window of " + entry.contextWindow() + " tokens, less than " + requirement.maxInputLength() + where);
            }
            if (CatalogService.deprecatedNow(entry)) {
                LOG.warn("Model {} ({}) is deprecated since {}{}; registered anyway", modelId, requirement.name(),
                    entry.deprecated(), where);
            }
        });
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(EventAdmin admin) {
        events.bind(admin);
    }

    void unbindEventAdmin(EventAdmin admin) {
        events.unbind(admin);
    }

    // ------------------------------------------------------------------ registration

    @Override
    public Registration register(String modelId, ModelRequirement requirement, String requesterId) {
        return register(modelId, requirement, requesterId, true);
    }

    /**
     * Registers a model declared by configuration: its source is not checked first, so that a model whose files
     * cannot be had now (no network, nothing cached) is still listed, {@code FAILED} with the reason, and loads once
     * they can be had.
     */
    Registration registerDeclared(String modelId, ModelRequirement requirement, String requesterId) {
        return register(modelId, requirement, requesterId, false);
    }

    private Registration register(String modelId, ModelRequirement requirement, String requesterId, boolean verify) {
        Ids.checkModelId(modelId);
        Ids.checkRequester(requesterId);
        if (requirement == null) {
            throw ModelException.invalidRequirement("requirement", "is required");
        }
        if (!registry.contains(modelId)) {
            checkCatalog(modelId, requirement);
        }
        if (verify && !registry.contains(modelId)) {
            verifySource(modelId, requirement);
        }
        Registration registration = registry.register(modelId, requirement, requesterId,
            id -> new ModelEntry(id, requirement, ctx));
        if (persistence != null) {
            registry.find(registration.modelId()).ifPresent(persistence::registered);
            persistence.save();
        }
        return registration;
    }

    /**
     * Fails fast when a new model's source cannot be had: Hub files neither cached nor answered for (no such
     * repository or file, token missing or refused, Hub unreachable), local files missing, resources not found.
     */
    private void verifySource(String modelId, ModelRequirement requirement) {
        ProviderRegistry.Selection selection = providers.select(requirement);
        try {
            ctx.sources().verify(requirement.source(),
                selection.found() ? ModelEntry.filesWanted(selection.chosen(), requirement) : List.of());
        } catch (ModelException e) {
            throw new ModelException(e.code(), modelId, e.field(), "its source cannot be had: " + e.reason(), e);
        }
    }

    @Override
    public int release(String modelId, String requesterId) {
        Ids.checkRequester(requesterId);
        int left = registry.resolve(modelId).release(requesterId);
        saveState();
        return left;
    }

    // ------------------------------------------------------------------ inference

    @Override
    public EmbeddingResult embed(String modelId, List<String> texts) {
        return Calls.await(inference.embed(modelId, texts), modelId);
    }

    @Override
    public CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts) {
        return inference.embed(modelId, texts);
    }

    @Override
    public GenerationResult generate(String modelId, String prompt, GenerationOptions options) {
        return Calls.await(inference.generate(modelId, prompt, options), modelId);
    }

    @Override
    public CompletionStage<GenerationResult> generateAsync(String modelId, String prompt, GenerationOptions options) {
        return inference.generate(modelId, prompt, options);
    }

    @Override
    public Flow.Publisher<GenerationChunk> stream(String modelId, String prompt, GenerationOptions options) {
        return inference.stream(modelId, prompt, options);
    }

    @Override
    public GenerationResult chat(String modelId, List<ChatMessage> messages, GenerationOptions options) {
        return Calls.await(inference.chat(modelId, messages, options), modelId);
    }

    @Override
    public CompletionStage<GenerationResult> chatAsync(String modelId, List<ChatMessage> messages,
                                                       GenerationOptions options) {
        return inference.chat(modelId, messages, options);
    }

    @Override
    public Flow.Publisher<GenerationChunk> streamChat(String modelId, List<ChatMessage> messages,
                                                      GenerationOptions options) {
        return inference.streamChat(modelId, messages, options);
    }

    @Override
    public TransformResult transform(String modelId, List<String> inputs, GenerationOptions options) {
        return Calls.await(inference.transform(modelId, inputs, options), modelId);
    }

    @Override
    public CompletionStage<TransformResult> transformAsync(String modelId, List<String> inputs,
                                                           GenerationOptions options) {
        return inference.transform(modelId, inputs, options);
    }

    @Override
    public ClassificationResult classify(String modelId, List<String> texts) {
        return Calls.await(inference.classify(modelId, texts), modelId);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyAsync(String modelId, List<String> texts) {
        return inference.classify(modelId, texts);
    }

    @Override
    public ClassificationResult classifyZeroShot(String modelId, List<String> texts, List<String> candidateLabels) {
        return Calls.await(inference.classifyZeroShot(modelId, texts, candidateLabels), modelId);
    }

    @Override
    public CompletionStage<ClassificationResult> classifyZeroShotAsync(String modelId, List<String> texts,
                                                                       List<String> candidateLabels) {
        return inference.classifyZeroShot(modelId, texts, candidateLabels);
    }

    // ------------------------------------------------------------------ lifecycle and routing

    @Override
    public ModelInfo load(String modelId, Duration timeout) {
        ModelEntry entry = registry.resolve(modelId);
        long deadline = System.nanoTime() + (timeout == null ? ctx.settings().loadTimeout() : timeout).toNanos();
        while (true) {
            CompletableFuture<Void> arrival = providers.nextArrival();
            long left = deadline - System.nanoTime();
            try {
                entry.worker().get(Math.max(0, left), TimeUnit.NANOSECONDS);
                return info(entry);
            } catch (ExecutionException e) {
                ModelException cause = Calls.unwrap(e, entry.id());
                if (cause.code() != ErrorCode.NO_PROVIDER && cause.code() != ErrorCode.PROVIDER_GONE) {
                    throw new ModelException(cause.code(), cause.modelId(), cause.field(), cause.reason(), cause);
                }
                try {
                    arrival.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException t) {
                    throw new ModelException(ErrorCode.TIMEOUT, entry.id(), "no provider arrived within "
                        + timeout + ": " + cause.reason(), cause);
                } catch (ExecutionException impossible) {
                    throw new IllegalStateException(impossible);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for a provider", i);
                }
            } catch (TimeoutException e) {
                throw new ModelException(ErrorCode.TIMEOUT, entry.id(), "the model did not load within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException(ErrorCode.CANCELLED, entry.id(), "interrupted while waiting for the load", e);
            }
        }
    }

    @Override
    public CompletionStage<ModelInfo> loadAsync(String modelId) {
        ModelEntry entry;
        try {
            entry = registry.resolve(modelId);
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
        return entry.worker().copy()
            .orTimeout(ctx.settings().loadTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .handle((worker, error) -> {
                if (error != null) {
                    throw Calls.unwrap(error, entry.id());
                }
                return info(entry);
            });
    }

    @Override
    public boolean unload(String modelId) {
        ModelEntry entry = registry.resolve(modelId);
        return Calls.await(entry.unload("unloaded on request"), entry.id());
    }

    @Override
    public void setDefault(String modelId) {
        registry.setDefault(modelId);
        if (persistence != null) {
            persistence.defaultChanged();
            persistence.save();
        }
    }

    @Override
    public void clearEmbeddingCache(String modelId) {
        registry.resolve(modelId).clearCache();
    }

    @Override
    public Optional<String> defaultModel() {
        return Optional.ofNullable(registry.defaultId());
    }

    /** Serialises alias switches (each takes a load; the flip itself is one map write). */
    private final Object aliasLock = new Object();

    @Override
    public ModelInfo switchAlias(String alias, String modelId, Duration timeout) {
        Ids.checkModelId(alias);
        if (DEFAULT_MODEL.equals(alias) || registry.contains(alias)) {
            throw ModelException.invalidInput(alias, "alias", "'" + alias + "' is "
                + (DEFAULT_MODEL.equals(alias) ? "reserved for the default model" : "a registered model id"));
        }
        ModelEntry target = registry.find(modelId).orElseThrow(() -> new ModelException(ErrorCode.NOT_REGISTERED,
            modelId, "no model is registered under this id (an alias points at a model id, not at another alias)"));
        String holder = ModelManagerConstants.ALIAS_PREFIX + alias;
        synchronized (aliasLock) {
            String current = registry.aliases().get(alias);
            boolean added = !target.requesters().contains(holder);
            register(modelId, target.requirement(), holder, false);
            ModelInfo loaded;
            try {
                loaded = load(modelId, timeout);
            } catch (ModelException e) {
                if (added && !modelId.equals(current)) {
                    release(modelId, holder);
                }
                throw e;
            }
            String previous = registry.alias(alias, modelId);
            if (previous != null && !previous.equals(modelId)) {
                try {
                    release(previous, holder);
                } catch (ModelException gone) {
                    LOG.debug("Alias {}: its previous target {} was already gone", alias, previous);
                }
            }
            saveState();
            return loaded;
        }
    }

    @Override
    public boolean removeAlias(String alias) {
        synchronized (aliasLock) {
            String target = registry.unalias(alias);
            if (target == null) {
                return false;
            }
            try {
                release(target, ModelManagerConstants.ALIAS_PREFIX + alias);
            } catch (ModelException gone) {
                LOG.debug("Alias {}: its target {} was already gone", alias, target);
            }
            saveState();
            return true;
        }
    }

    @Override
    public Map<String, String> aliases() {
        return java.util.Collections.unmodifiableSortedMap(registry.aliases());
    }

    @Override
    public dev.modelmanager.api.ProfileResult profile(String modelId, int requests) {
        if (requests < 1 || requests > 1000) {
            throw ModelException.invalidInput(modelId, "requests", "must be in 1..1000, was " + requests);
        }
        return new Profiler(this).run(info(modelId), requests);
    }

    // ------------------------------------------------------------------ introspection

    @Override
    public ModelInfo info(String modelId) {
        return info(registry.resolve(modelId));
    }

    private ModelInfo info(ModelEntry entry) {
        return entry.info(entry.id().equals(registry.defaultId()));
    }

    @Override
    public List<ModelInfo> list() {
        return registry.all().stream().map(this::info).toList();
    }

    @Override
    public ManagerStatus status() {
        List<ModelInfo> models = list();
        List<ProviderInfo> providerInfos = new ArrayList<>();
        for (ProviderRegistry.Bound bound : providers.all()) {
            int loaded = 0;
            for (ModelEntry entry : registry.all()) {
                EntryState state = entry.state();
                if (state.worker() != null && state.provider() == bound) {
                    loaded++;
                }
            }
            String problem;
            try {
                problem = bound.provider().unavailableReason();
            } catch (RuntimeException e) {
                problem = "failed to report its state: " + e;
            }
            providerInfos.add(new ProviderInfo(bound.name(), bound.provider().modelTypes(), loaded, problem));
        }
        providerInfos.sort(Comparator.comparing(ProviderInfo::name));
        int loadedModels = (int) models.stream().filter(m -> m.status() == ModelStatus.LOADED).count();
        dev.modelmanager.api.CacheStats cache = models.stream().map(ModelInfo::cache).filter(java.util.Objects::nonNull)
            .reduce(dev.modelmanager.api.CacheStats.EMPTY, dev.modelmanager.api.CacheStats::plus);
        List<dev.modelmanager.api.spi.DeviceInfo> deviceList = devices.devices();
        List<dev.modelmanager.api.MemoryUsage> memory = ctx.budget.usage(deviceList).stream()
            .map(u -> new dev.modelmanager.api.MemoryUsage(u.device(), u.budgetBytes(), u.reservedBytes(), u.models()))
            .toList();
        return new ManagerStatus(models.size(), loadedModels, registry.defaultId(), providerInfos, models, cache,
            deviceList, memory);
    }
}
