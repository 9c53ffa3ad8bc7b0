package dev.modelmanager.rest.internal;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.annotation.bundle.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.internal.secrets.InlineSecretKeeper;
import dev.modelmanager.internal.secrets.Secret;
import dev.modelmanager.internal.secrets.SecretFolder;
import dev.modelmanager.internal.secrets.SecretKeys;
import dev.modelmanager.internal.secrets.SecretSource;
import dev.modelmanager.rest.access.ApiAccess;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

/**
 * Puts the REST faces on the OSGi Servlet Whiteboard: {@code /api/v1/*} (management), {@code /v1/*}
 * (OpenAI-compatible), {@code /health}, {@code /metrics}, the access filter in front of them, and the fallback that
 * answers every other path and the HTTP server's error pages in the same JSON. The API key is read from where the
 * configuration points ({@link SecretSource}); an inline key is moved out of Config Admin ({@link SecretFolder}). The access rules are also
 * an {@link ApiAccess} service, for other bundles' pages on the same server.
 */
@Component(configurationPid = RestApi.PID, service = {})
@Designate(ocd = RestConfig.class)
// For resolvers: the servlets need an OSGi Servlet Whiteboard (jakarta, 2.0) to be served.
@Requirement(namespace = "osgi.implementation", name = "osgi.http", version = "2.0.0", effective = "active")
public final class RestApi {
    static final String PID = "dev.modelmanager.rest";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final String PATTERN = "osgi.http.whiteboard.servlet.pattern";
    private static final String FILTER_PATTERN = "osgi.http.whiteboard.filter.pattern";
    private static final String NAME = "osgi.http.whiteboard.servlet.name";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Map<String, Object>> runtimes = new CopyOnWriteArrayList<>();
    private volatile ConfigurationAdmin configAdmin;
    private volatile dev.modelmanager.api.ModelCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindCatalog(dev.modelmanager.api.ModelCatalog value) {
        catalog = value;
    }

    void unbindCatalog(dev.modelmanager.api.ModelCatalog value) {
        if (catalog == value) {
            catalog = null;
        }
    }
    private volatile RestSettings settings;
    private final InlineSecretKeeper inlineKey;

    @Activate
    public RestApi(@Reference ModelManager manager, RestConfig config, BundleContext context,
                   Map<String, Object> properties) {
        this.inlineKey = new InlineSecretKeeper(SecretFolder.of(context), SecretKeys.API_KEY, PID);
        modified(config, properties);
        HttpCounters counters = new HttpCounters();
        register(context, Filter.class, new AccessFilter(() -> settings, this::exposed, counters),
            props(FILTER_PATTERN, new String[] {"/api/*", "/v1/*", "/metrics", "/health", "/health/*",
                    ModelStatusServlet.PATH},
                // the Felix Health Check servlet: /system/health, .json, .txt, .verbose.txt, /tag,tag.json, ...
                "osgi.http.whiteboard.filter.regex", "/system/health(\\..*|/.*)?",
                "osgi.http.whiteboard.filter.name", "modelmanager-access"));
        register(context, Servlet.class, new ManagementServlet(manager, () -> settings, () -> catalog),
            props(PATTERN, "/api/v1/*", NAME, "modelmanager-api"));
        register(context, Servlet.class, new OpenAiServlet(manager, () -> settings),
            props(PATTERN, "/v1/*", NAME, "modelmanager-openai"));
        register(context, Servlet.class, new HealthServlet(manager, () -> settings, () -> declaredButMissing(manager)),
            props(PATTERN, new String[] {"/health", "/health/*"}, NAME, "modelmanager-health"));
        register(context, Servlet.class, new MetricsServlet(manager, () -> settings, counters),
            props(PATTERN, "/metrics", NAME, "modelmanager-metrics"));
        register(context, Servlet.class, new ModelStatusServlet(manager, () -> settings),
            props(PATTERN, ModelStatusServlet.PATH, NAME, "modelmanager-model-status"));
        // Every other path, and the HTTP server's own errors, answer the faces' JSON error body. Lowest ranking:
        // a host's own default servlet or error pages win.
        register(context, Servlet.class, new FallbackServlet(() -> settings),
            props(PATTERN, "/", NAME, "modelmanager-fallback", "osgi.http.whiteboard.servlet.errorPage",
                new String[] {"4xx", "5xx"}, org.osgi.framework.Constants.SERVICE_RANKING, Integer.MIN_VALUE));
        // The same rules for pages other bundles serve on this HTTP server (the Web Console's Models plugin).
        register(context, ApiAccess.class, new AccessRules(() -> settings, this::exposed),
            props(org.osgi.framework.Constants.SERVICE_DESCRIPTION, "the REST API's access rules"));
        LOG.info("REST API registered: /api/v1, /v1 (OpenAI-compatible), /health, /metrics, /model-status ({})", settings);
    }

    @Modified
    void modified(RestConfig config, Map<String, Object> properties) {
        Secret key = apiKey(config, System.getenv());
        if (key.unreadable()) {
            LOG.error("The REST API key ({}) {}: every call but /health is refused until it can be read", key.origin(),
                key.problem());
        }
        settings = new RestSettings(key.value(), key.problem(), config.max_request_bytes(), config.requester(),
            config.retry_after_busy_seconds(), config.retry_after_unavailable_seconds(),
            trustedProxies(config.trusted_proxies()));
        inlineKey.configured(config.api_key(), config.api_key_file(), properties);
    }

    /** The key: {@code api.key.file}, else {@code api.key.env}, else {@code api.key}, else MODELMANAGER_API_KEY. */
    static Secret apiKey(RestConfig config, Map<String, String> environment) {
        return SecretSource.resolve(SecretKeys.API_KEY, config.api_key(), config.api_key_file(), config.api_key_env(),
            environment, "MODELMANAGER_API_KEY");
    }

    /** The proxies configured, or none (every client is its peer address) when an entry is not an address. */
    private static TrustedProxies trustedProxies(String[] entries) {
        try {
            return TrustedProxies.of(entries);
        } catch (IllegalArgumentException e) {
            LOG.error("{}; no proxy is trusted until it is mended", e.getMessage());
            return TrustedProxies.NONE;
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        registrations.clear();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        runtimes.add(properties);
        if (exposed() && settings != null && settings.apiKey() == null) {
            LOG.error("The HTTP server listens on {} without an API key: every REST call is refused until api.key.file "
                + "or api.key.env is set (etc/dev.modelmanager.rest.cfg) or MODELMANAGER_API_KEY", endpoints());
        }
    }

    void unbindRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        runtimes.remove(properties);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindConfigAdmin(ConfigurationAdmin admin) {
        configAdmin = admin;
        inlineKey.bind(admin);
    }

    void unbindConfigAdmin(ConfigurationAdmin admin) {
        if (configAdmin == admin) {
            configAdmin = null;
        }
        inlineKey.unbind(admin);
    }

    /** Whether any HTTP endpoint listens on an address other than loopback. */
    boolean exposed() {
        for (String endpoint : endpoints()) {
            try {
                String host = URI.create(endpoint).getHost();
                if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
                    return true;
                }
            } catch (Exception e) {
                return true;
            }
        }
        return false;
    }

    private List<String> endpoints() {
        List<String> list = new ArrayList<>();
        for (Map<String, Object> p : runtimes) {
            Object v = p.get("osgi.http.endpoint");
            if (v instanceof String s) {
                list.add(s);
            } else if (v instanceof String[] a) {
                list.addAll(List.of(a));
            } else if (v instanceof Collection<?> c) {
                c.forEach(x -> list.add(String.valueOf(x)));
            }
        }
        return list;
    }

    /** Declared models (configurations of dev.modelmanager.model) not registered yet: readiness waits for them. */
    private List<String> declaredButMissing(ModelManager manager) {
        ConfigurationAdmin admin = configAdmin;
        if (admin == null) {
            return List.of();
        }
        try {
            Configuration[] configs = admin.listConfigurations(
                "(service.factoryPid=" + ModelManagerConstants.MODEL_FACTORY_PID + ")");
            if (configs == null) {
                return List.of();
            }
            return ModelManagerConstants.unregisteredDeclarations(fileNames(configs), manager.list());
        } catch (Exception e) {
            LOG.debug("Could not list declared models: {}", e.toString());
            return List.of();
        }
    }

    /** Each configuration's pid and File Install file name (or null), in order. */
    static java.util.Map<String, Object> fileNames(Configuration[] configs) {
        java.util.Map<String, Object> names = new java.util.LinkedHashMap<>();
        for (Configuration c : configs) {
            names.put(c.getPid(), c.getProperties() == null ? null : c.getProperties().get("felix.fileinstall.filename"));
        }
        return names;
    }

    private <S> void register(BundleContext context, Class<S> type, S service, Dictionary<String, Object> props) {
        registrations.add(context.registerService(type, service, props));
    }

    private static Dictionary<String, Object> props(Object... keyValues) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
