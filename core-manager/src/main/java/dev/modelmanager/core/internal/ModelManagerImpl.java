package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.api.StateSave;
import dev.modelmanager.api.event.ManagerEvents;
import dev.modelmanager.api.spi.DeviceProvider;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.core.internal.device.DeviceRegistry;
import dev.modelmanager.core.internal.exec.DaemonThreads;
import dev.modelmanager.core.internal.inference.Inference;
import dev.modelmanager.core.internal.inference.Profiler;
import dev.modelmanager.core.internal.lifecycle.EventPublisher;
import dev.modelmanager.core.internal.lifecycle.LifecycleContext;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;
import dev.modelmanager.core.internal.lifecycle.Owner;
import dev.modelmanager.core.internal.memory.MemoryBudget;
import dev.modelmanager.core.internal.persist.StatePersistence;
import dev.modelmanager.core.internal.persist.StateStore;
import dev.modelmanager.core.internal.provider.ProviderCalls;
import dev.modelmanager.core.internal.provider.ProviderRegistry;
import dev.modelmanager.core.internal.source.HubClient;
import dev.modelmanager.core.internal.source.ResourceLocator;
import dev.modelmanager.core.internal.source.SourceResolver;

/**
 * The model manager: the façade over its parts. It wires them (registry and lifecycle, inference, memory budget,
 * devices, providers, persistence), takes the provider and device services it is given (whiteboard), and hands each
 * call to the part that answers it. In OSGi, {@link ModelManagerComponent} runs it and publishes it bundle-scoped
 * ({@link BundleModelManager}); outside OSGi it is used as it is, its references unowned.
 */
public final class ModelManagerImpl extends InferenceFacade {
    private static final Logger LOG = LoggerFactory.getLogger(ModelManagerImpl.class);

    private final ResourceLocator resources;
    private volatile ManagerSettings settings;
    private volatile SourceResolver sources;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService lifecycle;
    private final ExecutorService providerThreads;
    private final EventPublisher events = new EventPublisher();
    private final DeviceRegistry devices = new DeviceRegistry();
    private final ProviderRegistry providers;
    private final ModelRegistry registry;
    private final LifecycleContext ctx;
    /** Calls made on the manager itself (outside a bundle's service), counted for {@code direct}. */
    private final Inference direct;
    private final UsageReport usage;
    private final AliasWatch aliasWatch;
    private final DownloadEvents downloadEvents;
    private final java.util.concurrent.ConcurrentMap<String, Inference> byRequester =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final Optional<StatePersistence> persistence;
    private final Registrations registrations;
    private final Routing routing;
    private final StatusReport report;
    private final HandleRefs handles;
    private volatile ModelCatalog catalog;

    /** A manager outside OSGi (tests, benchmarks): classpath sources are looked up in its own class loader. */
    public ModelManagerImpl(ManagerSettings settings) {
        this(settings, ResourceLocator.of(ModelManagerImpl.class.getClassLoader()));
    }

    public ModelManagerImpl(ManagerSettings settings, ResourceLocator resources) {
        this(settings, resources, Ticker.systemTicker());
    }

    /** With the clock the embedding caches expire by (tests drive it instead of sleeping). */
    public ModelManagerImpl(ManagerSettings settings, ResourceLocator resources, Ticker ticker) {
        this.resources = resources;
        applySettings(settings);
        this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("modelmanager-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.lifecycle = Executors.newCachedThreadPool(DaemonThreads.named("modelmanager-lifecycle"));
        this.providerThreads = Executors.newCachedThreadPool(DaemonThreads.named("modelmanager-provider"));
        this.providers = new ProviderRegistry(new ProviderCalls(providerThreads,
            () -> this.settings.providerCallTimeout()));
        this.registry = new ModelRegistry(events);
        this.ctx = new LifecycleContext(() -> this.settings, () -> this.sources, providers, devices, events,
            lifecycle, timer, new MemoryBudget(() -> this.settings), ticker, new LifecycleContext.Listener() {
                @Override
                public void removed(ModelEntry entry) {
                    entryRemoved(entry);
                }

                @Override
                public void changed() {
                    saveInBackground();
                }
            });
        this.usage = new UsageReport(registry, () -> catalog);
        this.direct = Inference.of(() -> this.settings, registry::bind, RequesterUsage.DIRECT);
        this.persistence = Optional.ofNullable(settings.stateFile() == null ? null
            : new StatePersistence(new StateStore(settings.workDir().resolve(settings.stateFile())), registry, ctx));
        this.registrations = new Registrations(registry, ctx, new CatalogCheck(() -> catalog), persistence);
        this.report = new StatusReport(registry, ctx, () -> persistence.map(StatePersistence::problem).orElse(null));
        this.routing = new Routing(registry, providers, registrations, () -> this.settings, persistence, report::info);
        this.handles = new HandleRefs(registrations);
        this.downloadEvents = new DownloadEvents(report::downloading, () -> !this.sources.hub().downloads().isEmpty(),
            events, timer);
        this.aliasWatch = new AliasWatch(registry, (alias, from, policy, id, reason) -> routing.switchAlias(alias, id,
            this.settings.loadTimeout(), reason, new Routing.Expected(from, policy), null) != null, timer, lifecycle);
        persistence.ifPresent(registrations::restore);
        LOG.info("Model manager started ({})", settings);
        Map<String, Object> started = new java.util.HashMap<>();
        started.put(ManagerEvents.MODEL_COUNT, registry.named().size());
        persistence.ifPresent(keeper -> started.put(ManagerEvents.PATH, keeper.file().toString()));
        events.post(ManagerEvents.INITIALIZED, started);
    }

    /** An entry dropped out of the registry: its statistics continue if the model is registered again. */
    private void entryRemoved(ModelEntry entry) {
        registry.removed(entry);
        ctx.retainedStats().put(entry.id(), entry.stats());
        usage.removed(entry);
        saveInBackground();
    }

    private void saveInBackground() {
        Optional<StatePersistence> keeper = persistence; // null while the constructor runs
        if (keeper != null) {
            keeper.ifPresent(StatePersistence::save);
        }
    }

    /** New settings; the source resolver is rebuilt when the Hub settings or the work folder changed. */
    private void applySettings(ManagerSettings value) {
        ManagerSettings previous = this.settings;
        if (previous == null || !previous.hub().equals(value.hub()) || !previous.workDir().equals(value.workDir())
            || !previous.modelRoots().equals(value.modelRoots())) {
            this.sources = new SourceResolver(new HubClient(value.hub()), resources,
                value.workDir().resolve("resources"), value.roots());
        }
        this.settings = value;
        if (value.hub().tokenProblem() != null
            && (previous == null || !value.hub().tokenProblem().equals(previous.hub().tokenProblem()))) {
            LOG.error("{}", capitalised(value.hub().tokenProblemSentence()));
        }
    }

    private static String capitalised(String sentence) {
        return Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }

    @Override
    protected Inference calls() {
        return direct;
    }

    /** New settings (from Config Admin); loads from now on use them. */
    void reconfigure(ManagerSettings value) {
        applySettings(value);
        LOG.info("Model manager reconfigured ({})", settings);
    }

    /** Unloads every model, failing calls still running, and stops the manager's threads. */
    public void close() {
        aliasWatch.close();
        downloadEvents.close();
        // Saved before the models unload, so that a restart loads again what was loaded.
        persistence.ifPresent(StatePersistence::close);
        Duration drain = settings.providerDrainTimeout();
        registry.shutdown(drain);
        timer.shutdownNow();
        // Loads still inside a provider finish on their own (native loads cannot be interrupted safely); their
        // instances are closed as stale. Wait for that, within the drain timeout, before reporting stopped.
        lifecycle.shutdown();
        try {
            if (!lifecycle.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Model loads still running after {}; stopping without them", drain);
                lifecycle.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lifecycle.shutdownNow();
        }
        providerThreads.shutdown();
        LOG.info("Model manager stopped");
    }

    // ------------------------------------------------------------------ whiteboard

    public void bindProvider(ModelProvider provider, Map<String, Object> properties) {
        ProviderRegistry.Bound bound = providers.add(provider, properties);
        LOG.info("Provider {} arrived (model types {})", bound.name(), provider.modelTypes());
        registry.providerArrived();
    }

    public void unbindProvider(ModelProvider provider) {
        ProviderRegistry.Bound bound = providers.remove(provider);
        if (bound == null) {
            return;
        }
        LOG.info("Provider {} left", bound.name());
        registry.providerLeft(provider);
    }

    public void bindDeviceProvider(DeviceProvider provider) {
        devices.add(provider);
    }

    public void unbindDeviceProvider(DeviceProvider provider) {
        devices.remove(provider);
    }

    public void bindCatalog(ModelCatalog value) {
        catalog = value;
    }

    public void unbindCatalog(ModelCatalog value) {
        if (catalog == value) {
            catalog = null;
        }
    }

    public void bindEventAdmin(EventAdmin admin) {
        events.bind(admin);
    }

    public void unbindEventAdmin(EventAdmin admin) {
        events.unbind(admin);
    }

    // ------------------------------------------------------------------ registration

    @Override
    public Registration register(String modelId, ModelRequirement requirement, String requesterId) {
        return register(modelId, requirement, requesterId, null);
    }

    /** As {@link #register(String, ModelRequirement, String)}, the reference owned by {@code owner} (or nobody). */
    Registration register(String modelId, ModelRequirement requirement, String requesterId, Owner owner) {
        return registrations.register(modelId, requirement, requesterId, Registrations.Origin.CALLER, owner);
    }

    @Override
    public Registration registerConfined(String modelId, ModelRequirement requirement, String requesterId) {
        return registerConfined(modelId, requirement, requesterId, null);
    }

    /** As {@link #registerConfined(String, ModelRequirement, String)}, the reference owned by {@code owner}. */
    Registration registerConfined(String modelId, ModelRequirement requirement, String requesterId, Owner owner) {
        return registrations.register(modelId, requirement, requesterId, Registrations.Origin.CONFINED, owner);
    }

    /**
     * Registers a model declared by configuration: its source is not checked first, so that a model whose files
     * cannot be had now (no network, nothing cached) is still listed, {@code FAILED} with the reason, and loads once
     * they can be had.
     */
    Registration registerDeclared(String modelId, ModelRequirement requirement, String requesterId) {
        return registrations.register(modelId, requirement, requesterId, Registrations.Origin.DECLARED, null);
    }

    @Override
    public Registration attach(String modelId, String requesterId) {
        return attach(modelId, requesterId, null);
    }

    Registration attach(String modelId, String requesterId, Owner owner) {
        return registrations.attach(modelId, requesterId, owner);
    }

    @Override
    public <R extends ModelRef> R register(String modelId, ModelRequirement requirement, Class<R> handle) {
        return handles.take(this, modelId, requirement, handle, ModelManagerConstants.LOCAL_REQUESTER, null);
    }

    @Override
    public <R extends ModelRef> R attach(String modelId, Class<R> handle) {
        return handles.take(this, modelId, null, handle, ModelManagerConstants.LOCAL_REQUESTER, null);
    }

    /** The handles taken through this manager and its bundles' views. */
    HandleRefs handles() {
        return handles;
    }

    @Override
    public int release(String modelId, String requesterId) {
        return release(modelId, requesterId, null);
    }

    int release(String modelId, String requesterId, Owner owner) {
        return registrations.release(modelId, requesterId, owner);
    }

    /** Releases every reference a bundle holds (it released the manager service: it stopped or failed). */
    void releaseAll(Owner owner) {
        registrations.releaseAll(owner);
    }

    /** Who holds a model now, with the owning bundles (what an operator unloading it is told). */
    List<String> holders(String modelId) {
        return registry.resolve(modelId).holders();
    }

    /** The registry (for the model services of the OSGi façade). */
    ModelRegistry registry() {
        return registry;
    }

    // ------------------------------------------------------------------ lifecycle and routing

    @Override
    public ModelInfo load(String modelId, Duration timeout) {
        return routing.load(modelId, timeout);
    }

    @Override
    public CompletionStage<ModelInfo> loadAsync(String modelId) {
        return routing.loadAsync(modelId);
    }

    @Override
    public boolean unload(String modelId) {
        return routing.unload(modelId);
    }

    @Override
    public void setDefault(String modelId) {
        routing.setDefault(modelId);
    }

    @Override
    public void clearEmbeddingCache(String modelId) {
        registry.resolve(modelId).clearCache();
    }

    @Override
    public Optional<String> defaultModel() {
        return Optional.ofNullable(registry.defaultId());
    }

    @Override
    public ModelInfo switchAlias(String alias, String modelId, Duration timeout) {
        return routing.switchAlias(alias, modelId, timeout);
    }

    @Override
    public boolean removeAlias(String alias) {
        return routing.removeAlias(alias);
    }

    @Override
    public Map<String, String> aliases() {
        return java.util.Collections.unmodifiableSortedMap(registry.aliases());
    }

    @Override
    public ModelInfo autoSwitch(String alias, dev.modelmanager.api.AliasPolicy policy, Duration timeout) {
        ModelInfo target = routing.autoSwitch(alias, policy, timeout);
        aliasWatch.tick(); // the window starts now: the candidates' counters as they are
        return target;
    }

    @Override
    public Map<String, dev.modelmanager.api.AliasPolicy> aliasPolicies() {
        return java.util.Collections.unmodifiableSortedMap(registry.policies());
    }

    @Override
    public List<RequesterUsage> usage() {
        return usage.list();
    }

    /** Aliases and the default (for the alias watch and tests). */
    Routing routing() {
        return routing;
    }

    /** The calls of one requester (a bundle's view of the manager), counted for it. */
    Inference inference(String requester) {
        return byRequester.computeIfAbsent(requester, r -> Inference.of(() -> this.settings, registry::bind, r));
    }

    /** The calls of one client of a requester: counted for the requester, taking turns as the client. */
    Inference inference(String requester, String client) {
        return Inference.of(() -> this.settings, registry::bind, requester, client);
    }

    /** Calls counted for {@code direct}, taking turns in a busy model's queue as {@code client}. */
    @Override
    public ModelManager forClient(String client) {
        return client == null || client.isBlank() ? this
            : new ClientModelManager(this, inference(RequesterUsage.DIRECT, client));
    }

    @Override
    public StateSave saveState() {
        return persistence.orElseThrow(() -> new ModelException(ErrorCode.NOT_CONFIGURED, null, "state.file",
            "state.file: the manager keeps no state (set state.file in its configuration)", null))
            .saveNow(java.time.Duration.ofSeconds(30));
    }

    @Override
    public ProfileResult profile(String modelId, int requests) {
        if (requests < 1 || requests > 1000) {
            throw ModelException.invalidInput(modelId, "requests", "must be in 1..1000, was " + requests);
        }
        return new Profiler(this, events).run(info(modelId), requests);
    }

    // ------------------------------------------------------------------ introspection

    @Override
    public ModelInfo info(String modelId) {
        return report.info(modelId);
    }

    @Override
    public List<ModelInfo> list() {
        return report.list();
    }

    @Override
    public ManagerStatus status() {
        return report.status();
    }
}
