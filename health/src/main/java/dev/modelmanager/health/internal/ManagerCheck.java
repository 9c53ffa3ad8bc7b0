package dev.modelmanager.health.internal;

import java.util.List;
import java.util.function.Supplier;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.MemoryUsage;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ProviderInfo;

/**
 * The manager as a whole, with the meaning of REST's {@code /health/ready}: {@code TEMPORARILY_UNAVAILABLE} until
 * every model that preloads has settled (loaded, or failed with a reason) and every model declared in configuration
 * ({@code dev.modelmanager.model} factory configurations) is registered; {@code WARN} while no provider is bound (no
 * model can load) or a provider reports a problem; {@code OK} otherwise. A failed model is its own check's
 * {@code CRITICAL}, named here only.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=Model Manager",
    HealthCheck.TAGS + "=" + HealthTags.MODELMANAGER,
    HealthCheck.TAGS + "=" + HealthTags.MANAGER})
public final class ManagerCheck implements HealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerCheck.class);

    private final ModelManager manager;
    private final Supplier<List<String>> declaredButMissing;
    private volatile ConfigurationAdmin configurations;

    @Activate
    public ManagerCheck(@Reference ModelManager manager) {
        this.manager = manager;
        this.declaredButMissing = this::declaredButMissing;
    }

    /** A check whose declared models come from elsewhere (plain Java, tests). */
    ManagerCheck(ModelManager manager, Supplier<List<String>> declaredButMissing) {
        this.manager = manager;
        this.declaredButMissing = declaredButMissing;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindConfigurations(ConfigurationAdmin admin) {
        configurations = admin;
    }

    void unbindConfigurations(ConfigurationAdmin admin) {
        if (configurations == admin) {
            configurations = null;
        }
    }

    @Override
    public Result execute() {
        ManagerStatus status = manager.status();
        FormattingResultLog log = new FormattingResultLog();
        log.info("{} model(s) registered, {} loaded; providers: {}", status.registeredModels(), status.loadedModels(),
            status.providers().isEmpty() ? "none" : String.join(", ",
                status.providers().stream().map(ProviderInfo::name).toList()));
        if (status.providers().isEmpty()) {
            log.warn("no model provider is bound: no model can load until one is installed");
        }
        for (ProviderInfo provider : status.providers()) {
            if (provider.problem() != null) {
                log.warn("provider {}: {}", provider.name(), provider.problem());
            }
        }
        List<String> preloading = status.models().stream().filter(ModelInfo::preloading)
            .map(ModelInfo::modelId).toList();
        if (!preloading.isEmpty()) {
            log.temporarilyUnavailable("not ready: preloading {}", String.join(", ", preloading));
        }
        List<String> missing = declaredButMissing.get();
        if (!missing.isEmpty()) {
            log.temporarilyUnavailable("not ready: declared in configuration, not registered yet: {}",
                String.join(", ", missing));
        }
        List<String> failed = status.models().stream().filter(m -> m.status() == ModelStatus.FAILED)
            .map(ModelInfo::modelId).toList();
        if (!failed.isEmpty()) {
            log.info("failed to load (see their own checks): {}", String.join(", ", failed));
        }
        for (MemoryUsage memory : status.memory()) {
            log.info("device {}: {} reserved of {}", memory.device(),
                FormattingResultLog.bytesHumanReadable(memory.reservedBytes()),
                memory.unlimited() ? "no budget"
                    : FormattingResultLog.bytesHumanReadable(memory.budgetBytes()));
        }
        return new Result(log);
    }

    /** Configurations of {@code dev.modelmanager.model} whose model no {@code config:} requester holds yet. */
    private List<String> declaredButMissing() {
        ConfigurationAdmin admin = configurations;
        if (admin == null) {
            return List.of();
        }
        try {
            Configuration[] declared = admin.listConfigurations(
                "(service.factoryPid=" + ModelManagerConstants.MODEL_FACTORY_PID + ")");
            if (declared == null) {
                return List.of();
            }
            java.util.Map<String, Object> fileNames = new java.util.LinkedHashMap<>();
            for (Configuration c : declared) {
                fileNames.put(c.getPid(),
                    c.getProperties() == null ? null : c.getProperties().get("felix.fileinstall.filename"));
            }
            return ModelManagerConstants.unregisteredDeclarations(fileNames, manager.list());
        } catch (Exception e) {
            LOG.debug("Could not list declared models: {}", e.toString());
            return List.of();
        }
    }
}
