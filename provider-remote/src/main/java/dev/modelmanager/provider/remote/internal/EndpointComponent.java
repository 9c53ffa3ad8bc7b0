package dev.modelmanager.provider.remote.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    @Activate
    public EndpointComponent(EndpointConfig config, Map<String, Object> properties) {
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
