package dev.modelmanager.webconsole.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Models plugin in front of a real manager (the deterministic test provider) on a real Jetty 12, mapped as the
 * Web Console maps plugins (path info {@code /models/...}); {@code /page} renders its content as the console does
 * around it, and {@code /key} answers the key {@link ConsoleAccess} finds in a request.
 */
final class PluginServer implements AutoCloseable {
    final ModelManagerImpl manager;
    final String base;
    private final Server server;
    private final HttpClient http = HttpClient.newHttpClient();

    PluginServer() throws Exception {
        ManagerSettings s = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("work"));
        manager = new ModelManagerImpl(s);
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
        ModelsPlugin plugin = new ModelsPlugin(manager);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/system/console");
        context.addServlet(new ServletHolder(plugin), "/console/*");
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                request.setAttribute("felix.webconsole.pluginRoot", "/system/console/models");
                response.setContentType("text/html");
                plugin.renderContent(request, response);
            }
        }), "/page");
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print(String.valueOf(ConsoleAccess.presentedKey(request)));
            }
        }), "/key");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/system/console";
    }

    HttpResponse<String> call(String method, String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
            .method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(form));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
        manager.close();
    }
}
