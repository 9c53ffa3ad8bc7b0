package dev.modelmanager.provider.remote.internal;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.internal.secrets.SecretFolder;
import dev.modelmanager.internal.secrets.SecretKeys;

/**
 * One endpoint declared by configuration (factory PID {@code dev.modelmanager.remote.endpoint}, e.g. the file
 * {@code etc/dev.modelmanager.remote.endpoint-ollama.cfg}); the remote provider picks it up by name. A change of the
 * configuration replaces the endpoint.
 */
@Component(service = EndpointComponent.class, configurationPid = EndpointComponent.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EndpointConfig.class, factory = true)
public final class EndpointComponent {
    static final String PID = "dev.modelmanager.remote.endpoint";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointComponent.class);

    private final RemoteEndpoint endpoint;

    /**
     * @param admin   Config Admin, to move an inline {@code api.key} out of the configuration ({@link SecretFolder})
     * @param context where the moved key goes when there is no {@code modelmanager.home}
     */
    @Activate
    public EndpointComponent(EndpointConfig config, Map<String, Object> properties, BundleContext context,
                             @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin admin) {
        // The inline key moves out first: settings that fail to validate must not leave it in the configuration.
        SecretFolder secrets = SecretFolder.of(context);
        Object pid = properties.get(Constants.SERVICE_PID);
        if (secrets != null && pid != null) {
            if (config.api_key() != null && !config.api_key().isBlank()) {
                if (admin != null) {
                    // The configuration changes to name the file: this component is replaced by one that reads it.
                    secrets.moveInline(admin, SecretKeys.API_KEY, String.valueOf(pid));
                }
            } else {
                secrets.forgetMoved(SecretKeys.API_KEY, String.valueOf(pid), config.api_key_file());
            }
        }
        this.endpoint = new RemoteEndpoint(EndpointSettings.from(config, configurationName(properties), System.getenv()));
        LOG.info("Remote endpoint configured: {}", endpoint.settings());
    }

    RemoteEndpoint endpoint() {
        return endpoint;
    }

    static String configurationName(Map<String, ?> properties) {
        return dev.modelmanager.api.ModelManagerConstants.configurationName(String.valueOf(properties.get("service.pid")),
            properties.get("felix.fileinstall.filename"));
    }
}
