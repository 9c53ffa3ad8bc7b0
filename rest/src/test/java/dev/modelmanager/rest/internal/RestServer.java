package dev.modelmanager.rest.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.catalog.CatalogService;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;
import jakarta.servlet.DispatcherType;

/**
 * The REST faces over real HTTP (Jetty 12, as in the distribution), in front of a real manager with the deterministic
 * test provider and a small catalog: the servlets, the access filter and the fallback (default servlet and error
 * page) registered as {@link RestApi} registers them on the whiteboard.
 */
final class RestServer implements AutoCloseable {
    final ModelManagerImpl manager;
    final TestModelProvider provider;
    final CatalogService catalog;
    final AtomicReference<RestSettings> settings = new AtomicReference<>(RestSettings.DEFAULTS);
    final AtomicBoolean exposed = new AtomicBoolean();
    final String base;
    private final Server server;
    private final HttpClient http = HttpClient.newHttpClient();

    RestServer() throws Exception {
        this(UnaryOperator.identity());
    }

    RestServer(UnaryOperator<ManagerSettings> tune) throws Exception {
        ManagerSettings s = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work"));
        manager = new ModelManagerImpl(tune.apply(s));
        provider = new TestModelProvider();
        manager.bindProvider(provider, Map.of("service.id", 1L));
        catalog = new CatalogService();
        catalog.load("test.yaml", new java.io.StringReader("""
            models:
              - name: gpt-4o
                provider: openai
                model_type: text_generation
                context_window: 128000
                capabilities: [chat_completion, vision]
              - name: small
                provider: openai
                model_type: text_generation
                context_window: 8000
                capabilities: [chat_completion]
            """));
        HttpCounters counters = new HttpCounters();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new AccessFilter(settings::get, exposed::get, counters)), "/*",
            EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new ManagementServlet(manager, settings::get, () -> catalog)), "/api/v1/*");
        context.addServlet(new ServletHolder(new OpenAiServlet(manager, settings::get)), "/v1/*");
        context.addServlet(new ServletHolder(new HealthServlet(manager, settings::get, List::of)), "/health/*");
        context.addServlet(new ServletHolder(new MetricsServlet(manager, settings::get, counters)), "/metrics");
        context.addServlet(new ServletHolder(new ModelStatusServlet(manager, settings::get)), ModelStatusServlet.PATH);
        context.addServlet(new ServletHolder(new FallbackServlet(settings::get)), "/");
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(400, 599, "/");
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Override
    public void close() throws Exception {
        server.stop();
        manager.close();
    }
}
