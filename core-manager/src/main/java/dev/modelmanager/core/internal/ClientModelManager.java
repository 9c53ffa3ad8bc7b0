package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.modelmanager.api.AliasPolicy;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ProfileResult;
import dev.modelmanager.api.Registration;
import dev.modelmanager.api.RequesterUsage;
import dev.modelmanager.api.StateSave;
import dev.modelmanager.core.internal.inference.Inference;

/**
 * A view of the manager for one client of its caller ({@link ModelManager#forClient}): its inference calls are
 * counted for the caller (a bundle, or {@code direct}) and take turns in a busy model's queue as that client;
 * everything else is the caller's own view's ({@code base}), so registrations and references stay the bundle's.
 * Made per call: it holds nothing but the two.
 */
final class ClientModelManager extends InferenceFacade {
    private final ModelManager base;
    private final Inference calls;

    ClientModelManager(ModelManager base, Inference calls) {
        this.base = base;
        this.calls = calls;
    }

    @Override
    protected Inference calls() {
        return calls;
    }

    @Override
    public ModelManager forClient(String client) {
        return base.forClient(client);
    }

    @Override
    public Registration register(String modelId, ModelRequirement requirement, String requesterId) {
        return base.register(modelId, requirement, requesterId);
    }

    @Override
    public Registration registerConfined(String modelId, ModelRequirement requirement, String requesterId) {
        return base.registerConfined(modelId, requirement, requesterId);
    }

    @Override
    public Registration attach(String modelId, String requesterId) {
        return base.attach(modelId, requesterId);
    }

    @Override
    public <R extends ModelRef> R register(String modelId, ModelRequirement requirement, Class<R> handle) {
        return base.register(modelId, requirement, handle);
    }

    @Override
    public <R extends ModelRef> R attach(String modelId, Class<R> handle) {
        return base.attach(modelId, handle);
    }

    @Override
    public int release(String modelId, String requesterId) {
        return base.release(modelId, requesterId);
    }

    @Override
    public ModelInfo load(String modelId, Duration timeout) {
        return base.load(modelId, timeout);
    }

    @Override
    public CompletionStage<ModelInfo> loadAsync(String modelId) {
        return base.loadAsync(modelId);
    }

    @Override
    public boolean unload(String modelId) {
        return base.unload(modelId);
    }

    @Override
    public void setDefault(String modelId) {
        base.setDefault(modelId);
    }

    @Override
    public void clearEmbeddingCache(String modelId) {
        base.clearEmbeddingCache(modelId);
    }

    @Override
    public Optional<String> defaultModel() {
        return base.defaultModel();
    }

    @Override
    public ModelInfo switchAlias(String alias, String modelId, Duration timeout) {
        return base.switchAlias(alias, modelId, timeout);
    }

    @Override
    public boolean removeAlias(String alias) {
        return base.removeAlias(alias);
    }

    @Override
    public Map<String, String> aliases() {
        return base.aliases();
    }

    @Override
    public ModelInfo autoSwitch(String alias, AliasPolicy policy, Duration timeout) {
        return base.autoSwitch(alias, policy, timeout);
    }

    @Override
    public Map<String, AliasPolicy> aliasPolicies() {
        return base.aliasPolicies();
    }

    @Override
    public ProfileResult profile(String modelId, int requests) {
        return base.profile(modelId, requests);
    }

    @Override
    public ModelInfo info(String modelId) {
        return base.info(modelId);
    }

    @Override
    public List<ModelInfo> list() {
        return base.list();
    }

    @Override
    public ManagerStatus status() {
        return base.status();
    }

    @Override
    public List<RequesterUsage> usage() {
        return base.usage();
    }

    @Override
    public StateSave saveState() {
        return base.saveState();
    }

    @Override
    public String toString() {
        return base + ", calls taking turns as " + calls.requester() + "'s client";
    }
}
