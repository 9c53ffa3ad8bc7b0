package dev.modelmanager.core.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.RequirementProperties;

/**
 * A model declared by a configuration of factory PID {@code dev.modelmanager.model} (for instance a file
 * {@code etc/dev.modelmanager.model~minilm.cfg}): registered while the configuration exists, under the requester
 * {@code config:<name>}; changed when it changes; released when it is deleted. A declaration that cannot be
 * parsed is refused with a warning naming the key; one whose files cannot be had now is still registered and shows
 * {@code FAILED} with the reason, so that operators see it in {@code model:list}.
 */
@Component(service = {}, configurationPid = ModelManagerConstants.MODEL_FACTORY_PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DeclaredModelConfig.class, factory = true)
public final class DeclaredModel {
    private static final Logger LOG = LoggerFactory.getLogger(DeclaredModel.class);

    private final ModelManager manager;
    private String modelId;
    private String requester;
    private ModelRequirement requirement;

    @Activate
    public DeclaredModel(@Reference ModelManager manager, Map<String, Object> properties) {
        this.manager = manager;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        release();
    }

    private synchronized void apply(Map<String, Object> properties) {
        String name = configurationName(properties);
        String id = text(properties.get("model.id"));
        id = id != null ? id : name;
        ModelRequirement wanted;
        try {
            wanted = RequirementProperties.parse(properties);
        } catch (ModelException e) {
            LOG.warn("Declared model {} ({}) is refused: {}", id, properties.get("service.pid"), e.getMessage());
            release();
            return;
        }
        if (id.equals(modelId) && wanted.equals(requirement)) {
            return;
        }
        release();
        String who = ModelManagerConstants.CONFIG_PREFIX + name;
        try {
            if (manager instanceof BundleModelManager view) {
                view.registerDeclared(id, wanted, who);
            } else if (manager instanceof ModelManagerImpl impl) {
                impl.registerDeclared(id, wanted, who);
            } else {
                manager.register(id, wanted, who);
            }
            modelId = id;
            requester = who;
            requirement = wanted;
            LOG.info("Declared model {} registered ({} {})", id, wanted.modelType(), wanted.source().describe());
        } catch (ModelException e) {
            LOG.warn("Declared model {} could not be registered: {}", id, e.getMessage());
        }
    }

    private synchronized void release() {
        if (modelId == null) {
            return;
        }
        try {
            manager.release(modelId, requester);
        } catch (ModelException e) {
            LOG.debug("Declared model {} was already gone: {}", modelId, e.getMessage());
        }
        modelId = null;
        requester = null;
        requirement = null;
    }

    static String configurationName(Map<String, ?> properties) {
        return ModelManagerConstants.configurationName(String.valueOf(properties.get("service.pid")),
            properties.get("felix.fileinstall.filename"));
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = String.valueOf(value).strip();
        return s.isEmpty() ? null : s;
    }
}
