package dev.modelmanager.core.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRef;
import dev.modelmanager.core.internal.exec.DaemonThreads;
import dev.modelmanager.core.internal.handle.Handles;
import dev.modelmanager.core.internal.lifecycle.Binding;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.ModelRegistry;

/**
 * Every registered model id as an OSGi service of its typed handle ({@code EmbeddingModelRef}, ...) and of
 * {@link ModelRef}, with the properties {@code model.id}, {@code model.type} and {@code model.name}: each bundle that
 * gets it holds a reference of its own (its handle), given back when it ungets the service. Services come and go
 * with the ids, registered and unregistered in order on one thread of their own, so that no registry change waits
 * for the framework and no service event reaches a consumer under a manager lock.
 */
final class ModelServices implements ModelRegistry.NameListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServices.class);

    private final BundleContext context;
    private final ModelManagerImpl manager;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("modelmanager-services"));
    private final Map<String, ServiceRegistration<?>> registrations = new ConcurrentHashMap<>();

    ModelServices(BundleContext context, ModelManagerImpl manager) {
        this.context = context;
        this.manager = manager;
    }

    /** Publishes the ids registered before it listened. */
    void start() {
        manager.registry().listen(this);
        for (Binding named : manager.registry().named()) {
            added(named.name(), named.entry());
        }
    }

    @Override
    public void added(String name, ModelEntry entry) {
        thread.execute(() -> publish(name, entry));
    }

    @Override
    public void removed(String name, ModelEntry entry) {
        thread.execute(() -> {
            ServiceRegistration<?> r = registrations.remove(name);
            if (r != null) {
                try {
                    r.unregister();
                } catch (IllegalStateException gone) {
                    // unregistered with the bundle already
                }
            }
        });
    }

    private void publish(String name, ModelEntry entry) {
        if (registrations.containsKey(name)) {
            return;
        }
        Class<? extends ModelRef> type = Handles.typeOf(entry.requirement().modelType());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ModelManagerConstants.MODEL_ID, name);
        props.put(ModelManagerConstants.MODEL_TYPE, entry.requirement().modelType().id());
        props.put(ModelManagerConstants.MODEL_NAME, entry.requirement().name());
        props.put(Constants.SERVICE_DESCRIPTION, "model " + name + " (" + entry.requirement().modelType().id() + " "
            + entry.requirement().name() + ")");
        try {
            registrations.put(name, context.registerService(new String[] {type.getName(), ModelRef.class.getName()},
                new HandleFactory(name, type), props));
        } catch (IllegalStateException stopping) {
            LOG.debug("Model {} not published: the manager's bundle is stopping", name);
        }
    }

    /** Each consuming bundle gets a handle of its own, holding its own reference. */
    private final class HandleFactory implements ServiceFactory<ModelRef> {
        private final String name;
        private final Class<? extends ModelRef> type;

        HandleFactory(String name, Class<? extends ModelRef> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public ModelRef getService(Bundle bundle, ServiceRegistration<ModelRef> registration) {
            BundleModelManager view = ManagerServiceFactory.facadeOf(manager, bundle);
            return manager.handles().take(view, name, null, type, view.owner().symbolicName(), view.owner());
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<ModelRef> registration, ModelRef service) {
            service.close();
        }
    }

    @Override
    public void close() {
        manager.registry().listen(null);
        thread.execute(() -> {
            registrations.values().forEach(r -> {
                try {
                    r.unregister();
                } catch (IllegalStateException gone) {
                    // unregistered with the bundle already
                }
            });
            registrations.clear();
        });
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
