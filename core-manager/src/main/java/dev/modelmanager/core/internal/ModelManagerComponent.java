package dev.modelmanager.core.internal;

import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.annotation.bundle.Capability;
import org.osgi.annotation.bundle.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.annotation.ModelProviderNamespace;
import dev.modelmanager.api.spi.DeviceProvider;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.core.internal.source.BundleResourceLocator;
import dev.modelmanager.internal.secrets.InlineSecretKeeper;
import dev.modelmanager.internal.secrets.SecretFolder;
import dev.modelmanager.internal.secrets.SecretKeys;

/**
 * Runs the {@link ModelManagerImpl} in OSGi: configured by PID {@value ModelManagerConstants#MANAGER_PID}, fed the
 * provider, device, catalog and Event Admin services, and published as the bundle-scoped {@link ModelManager}
 * service ({@link ManagerServiceFactory}), with every registered model as a service of its handle
 * ({@link ModelServices}). An inline {@code hub.token} is moved out of Config Admin into an owner-only file that the
 * configuration then names in {@code hub.token.file} ({@link SecretFolder}), as the REST bundle does with its key.
 */
@Component(service = {}, configurationPid = ModelManagerConstants.MANAGER_PID)
@Designate(ocd = ManagerConfig.class)
// For resolvers (the framework ignores effective:=active): the services this component registers itself (bnd
// sees only the ones DS registers), a model provider of any kind, and Config Admin, which declared models and
// the manager's configuration come through.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.modelmanager.api.ModelManager\"",
    uses = ModelManager.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.modelmanager.api.EmbeddingModelRef,"
    + "dev.modelmanager.api.ModelRef\"", uses = ModelManager.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.modelmanager.api.GeneratorRef,"
    + "dev.modelmanager.api.ModelRef\"", uses = ModelManager.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.modelmanager.api.ClassifierRef,"
    + "dev.modelmanager.api.ModelRef\"", uses = ModelManager.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.modelmanager.api.Text2TextRef,"
    + "dev.modelmanager.api.ModelRef\"", uses = ModelManager.class)
@Requirement(namespace = ModelProviderNamespace.NAMESPACE, filter = "(" + ModelProviderNamespace.NAMESPACE + "=*)",
    cardinality = Requirement.Cardinality.MULTIPLE, effective = "active")
@Requirement(namespace = "osgi.service", filter = "(objectClass=org.osgi.service.cm.ConfigurationAdmin)",
    effective = "active")
public final class ModelManagerComponent {
    private final ModelManagerImpl manager;
    private final ModelServices services;
    private final ServiceRegistration<?> registration;
    private final InlineSecretKeeper inlineToken;

    @Activate
    public ModelManagerComponent(ManagerConfig config, BundleContext context, Map<String, Object> properties) {
        this.inlineToken = new InlineSecretKeeper(SecretFolder.of(context), SecretKeys.HUB_TOKEN,
            ModelManagerConstants.MANAGER_PID);
        ManagerSettings settings = ManagerSettings.from(config, System.getenv());
        this.manager = new ModelManagerImpl(stateless(context) ? settings.withStateFile(null) : settings,
            new BundleResourceLocator(context));
        this.services = new ModelServices(context, manager);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "OSGi Model Manager (bundle-scoped)");
        Object pid = properties.get(Constants.SERVICE_PID);
        if (pid != null) {
            props.put(Constants.SERVICE_PID, pid);
        }
        this.registration = context.registerService(ModelManager.class.getName(), new ManagerServiceFactory(manager),
            props);
        services.start();
        keepTokenOutOfConfigAdmin(config, properties);
    }

    /** A second process on the same installation keeps no state (the launcher says so). */
    private static boolean stateless(BundleContext context) {
        return Boolean.parseBoolean(context.getProperty("dev.modelmanager.state.disabled"));
    }

    @Modified
    void modified(ManagerConfig config, Map<String, Object> properties) {
        manager.reconfigure(ManagerSettings.from(config, System.getenv()));
        keepTokenOutOfConfigAdmin(config, properties);
    }

    /** An inline token is moved into data/secrets; see {@link InlineSecretKeeper}. */
    private void keepTokenOutOfConfigAdmin(ManagerConfig config, Map<String, Object> properties) {
        inlineToken.configured(config.hub_token(), config.hub_token_file(), properties);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindConfigAdmin(ConfigurationAdmin admin) {
        inlineToken.bind(admin);
    }

    void unbindConfigAdmin(ConfigurationAdmin admin) {
        inlineToken.unbind(admin);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException gone) {
            // unregistered with the bundle already
        }
        services.close();
        manager.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindProvider(ModelProvider provider, Map<String, Object> properties) {
        manager.bindProvider(provider, properties);
    }

    void unbindProvider(ModelProvider provider) {
        manager.unbindProvider(provider);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDeviceProvider(DeviceProvider provider) {
        manager.bindDeviceProvider(provider);
    }

    void unbindDeviceProvider(DeviceProvider provider) {
        manager.unbindDeviceProvider(provider);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindCatalog(ModelCatalog catalog) {
        manager.bindCatalog(catalog);
    }

    void unbindCatalog(ModelCatalog catalog) {
        manager.unbindCatalog(catalog);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(EventAdmin admin) {
        manager.bindEventAdmin(admin);
    }

    void unbindEventAdmin(EventAdmin admin) {
        manager.unbindEventAdmin(admin);
    }
}
