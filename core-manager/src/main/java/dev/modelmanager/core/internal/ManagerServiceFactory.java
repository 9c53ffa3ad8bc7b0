package dev.modelmanager.core.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.core.internal.lifecycle.Owner;

/**
 * The bundle-scoped {@link ModelManager} service: each bundle gets its own {@link BundleModelManager}, and when it
 * releases the service (it stopped, whatever its code did; its activator threw; it was uninstalled) every reference
 * it held is released.
 */
final class ManagerServiceFactory implements ServiceFactory<ModelManager> {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerServiceFactory.class);

    private final ModelManagerImpl manager;

    ManagerServiceFactory(ModelManagerImpl manager) {
        this.manager = manager;
    }

    static Owner ownerOf(Bundle bundle) {
        return new Owner(bundle.getBundleId(), bundle.getSymbolicName() == null ? "bundle " + bundle.getBundleId()
            : bundle.getSymbolicName());
    }

    /** A bundle's view of the manager (as the model services hand out handles for it). */
    static BundleModelManager facadeOf(ModelManagerImpl manager, Bundle bundle) {
        return new BundleModelManager(manager, ownerOf(bundle));
    }

    @Override
    public ModelManager getService(Bundle bundle, ServiceRegistration<ModelManager> registration) {
        return facadeOf(manager, bundle);
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<ModelManager> registration, ModelManager service) {
        Owner owner = ((BundleModelManager) service).owner();
        LOG.debug("{} released the model manager: releasing its references", owner);
        manager.releaseAll(owner);
        manager.handles().forget(owner);
    }
}
