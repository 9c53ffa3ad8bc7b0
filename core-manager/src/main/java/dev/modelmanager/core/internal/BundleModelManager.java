package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.api.Registration;
import dev.modelmanager.core.internal.inference.Inference;
import dev.modelmanager.core.internal.lifecycle.Owner;

/**
 * One bundle's view of the manager (the service is bundle-scoped): every reference it takes is owned by the bundle,
 * so no other bundle can release it, and all of them go when the bundle releases the service. Typed handles hold
 * their reference as the bundle's symbolic name, and its calls are counted for the bundle
 * ({@link ModelManager#usage()}) and take turns as the bundle in a busy model's queue ({@link #forClient}: as one
 * client of it). Everything else is the manager's.
 */
final class BundleModelManager extends InferenceFacade {
    private final ModelManagerImpl manager;
    private final Owner owner;
    private final Inference calls;

    BundleModelManager(ModelManagerImpl manager, Owner owner) {
        this.manager = manager;
        this.owner = owner;
        this.calls = manager.inference(owner.symbolicName());
    }

    @Override
    protected Inference calls() {
        return calls;
    }

    Owner owner() {
        return owner;
    }

    /** A declared model (the core bundle's {@code DeclaredModel}): unowned, its source not checked first. */
    Registration registerDeclared(String modelId, ModelRequirement requirement, String requesterId) {
        return manager.registerDeclared(modelId, requirement, requesterId);
    }

    @Override
    public Registration register(String modelId, ModelRequirement requirement, String requesterId) {
        return manager.register(modelId, requirement, requesterId, owner);
    }

    @Override
    public Registration registerConfined(String modelId, ModelRequirement requirement, String requesterId) {
        return manager.registerConfined(modelId, requirement, requesterId, owner);
    }

    @Override
    public Registration attach(String modelId, String requesterId) {
        return manager.attach(modelId, requesterId, owner);
    }

    @Override
    public <R extends ModelRef> R register(String modelId, ModelRequirement requirement, Class<R> handle) {
        return manager.handles().take(this, modelId, requirement, handle, owner.symbolicName(), owner);
    }

    @Override
    public <R extends ModelRef> R attach(String modelId, Class<R> handle) {
        return manager.handles().take(this, modelId, null, handle, owner.symbolicName(), owner);
    }

    @Override
    public int release(String modelId, String requesterId) {
        return manager.release(modelId, requesterId, owner);
    }

    @Override
    public ModelManager forClient(String client) {
        return client == null || client.isBlank() ? this
            : new ClientModelManager(this, manager.inference(owner.symbolicName(), client));
    }

    @Override
    public ModelInfo load(String modelId, Duration timeout) {
        return manager.load(modelId, timeout);
    }

    @Override
    public CompletionStage<ModelInfo> loadAsync(String modelId) {
        return manager.loadAsync(modelId);
    }

    @Override
    public boolean unload(String modelId) {
        return manager.unload(modelId);
    }

    @Override
    public void setDefault(String modelId) {
        manager.setDefault(modelId);
    }

    @Override
    public void clearEmbeddingCache(String modelId) {
        manager.clearEmbeddingCache(modelId);
    }

    @Override
    public Optional<String> defaultModel() {
        return manager.defaultModel();
    }

    @Override
    public ModelInfo switchAlias(String alias, String modelId, Duration timeout) {
        return manager.switchAlias(alias, modelId, timeout);
    }

    @Override
    public boolean removeAlias(String alias) {
        return manager.removeAlias(alias);
    }

    @Override
    public Map<String, String> aliases() {
        return manager.aliases();
    }

    @Override
    public ProfileResult profile(String modelId, int requests) {
        return manager.profile(modelId, requests);
    }

    @Override
    public ModelInfo autoSwitch(String alias, dev.modelmanager.api.AliasPolicy policy, java.time.Duration timeout) {
        return manager.autoSwitch(alias, policy, timeout);
    }

    @Override
    public java.util.Map<String, dev.modelmanager.api.AliasPolicy> aliasPolicies() {
        return manager.aliasPolicies();
    }

    @Override
    public List<dev.modelmanager.api.RequesterUsage> usage() {
        return manager.usage();
    }

    @Override
    public dev.modelmanager.api.StateSave saveState() {
        return manager.saveState();
    }

    @Override
    public ModelInfo info(String modelId) {
        return manager.info(modelId);
    }

    @Override
    public List<ModelInfo> list() {
        return manager.list();
    }

    @Override
    public ManagerStatus status() {
        return manager.status();
    }

    @Override
    public String toString() {
        return "ModelManager for " + owner;
    }
}
