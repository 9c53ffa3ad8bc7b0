package dev.modelmanager.health.internal;

import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRef;

/**
 * One {@link ModelCheck} service per registered model id. The manager publishes every id as a {@link ModelRef}
 * service; this component follows those services by reference only (it never gets them: getting one would take a
 * reference on the model) and registers a health check beside each, named {@code Model <id>} and tagged
 * {@value HealthTags#MODELMANAGER} and {@value HealthTags#MODEL}.
 */
@Component(service = {}, immediate = true)
public final class ModelChecks {
    private final ModelManager manager;
    private final BundleContext context;
    private final Map<String, ServiceRegistration<HealthCheck>> checks = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public ModelChecks(@Reference ModelManager manager, BundleContext context) {
        this.manager = manager;
        this.context = context;
    }

    @Reference(service = ModelRef.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC)
    void bindModel(ServiceReference<ModelRef> model) {
        String id = idOf(model);
        if (id == null || !active) {
            return;
        }
        checks.computeIfAbsent(id, this::publish);
    }

    void unbindModel(ServiceReference<ModelRef> model) {
        String id = idOf(model);
        ServiceRegistration<HealthCheck> registration = id == null ? null : checks.remove(id);
        if (registration != null) {
            unregister(registration);
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        checks.values().forEach(ModelChecks::unregister);
        checks.clear();
    }

    private ServiceRegistration<HealthCheck> publish(String id) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HealthCheck.NAME, "Model " + id);
        properties.put(HealthCheck.TAGS, new String[] {HealthTags.MODELMANAGER, HealthTags.MODEL});
        properties.put(ModelManagerConstants.MODEL_ID, id);
        properties.put(Constants.SERVICE_DESCRIPTION, "health of model " + id);
        return context.registerService(HealthCheck.class, new ModelCheck(manager, id), properties);
    }

    private static String idOf(ServiceReference<?> model) {
        Object id = model.getProperty(ModelManagerConstants.MODEL_ID);
        return id instanceof String s && !s.isBlank() ? s : null;
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // this bundle is stopping
        }
    }
}
