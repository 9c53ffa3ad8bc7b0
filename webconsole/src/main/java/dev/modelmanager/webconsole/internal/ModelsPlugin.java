package dev.modelmanager.webconsole.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console's Models page ({@code /system/console/models}): a table of every registered model that its script
 * ({@code res/models.js}) fills from {@code models/data.json} and refreshes every two seconds, with load, unload
 * and clear-cache actions posted to {@code models/action} (guarded by {@link ActionGuard}). Unloading a model that
 * bundles hold is allowed, as over REST and in the shell: it loads again on their next use.
 */
@Component(service = Servlet.class, property = {
    ServletConstants.PLUGIN_LABEL + "=" + ModelsPlugin.LABEL,
    ServletConstants.PLUGIN_TITLE + "=Models",
    ServletConstants.PLUGIN_CATEGORY + "=OSGi Model Manager",
    ServletConstants.PLUGIN_CSS_REFERENCES + "=/" + ModelsPlugin.LABEL + "/res/models.css"})
public final class ModelsPlugin extends AbstractServlet {
    static final String LABEL = "models";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelsPlugin.class);

    private final transient ModelManager manager;
    private final transient ActionGuard guard = new ActionGuard();
    private final String page;

    @Activate
    public ModelsPlugin(@Reference ModelManager manager) {
        this.manager = manager;
        this.page = resource("/res/models.html");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path != null && path.equals("/" + LABEL + "/data.json")) {
            json(response, 200, ModelsJson.of(manager.status()));
            return;
        }
        // A resource under res/, or nothing: then the console renders the page around renderContent.
        spoolResource(request, response);
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object root = request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        String pluginRoot = root == null ? request.getContextPath() + "/" + LABEL : root.toString();
        response.getWriter().print(page.replace("{pluginRoot}", attribute(pluginRoot))
            .replace("{token}", attribute(guard.token())));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!("/" + LABEL + "/action").equals(request.getPathInfo())) {
            json(response, 404, ModelsJson.message("error", "post actions to " + LABEL + "/action"));
            return;
        }
        String refused = guard.refusal(request);
        if (refused != null) {
            json(response, 403, ModelsJson.message("error", "refused: " + refused));
            return;
        }
        String action = request.getParameter("action");
        String model = request.getParameter("model");
        if (action == null || model == null || model.isBlank()) {
            json(response, 400, ModelsJson.message("error", "action and model are required"));
            return;
        }
        try {
            manager.info(model);
            switch (action) {
                case "load" -> {
                    manager.loadAsync(model);
                    LOG.info("Web Console: load {} requested", model);
                    json(response, 202, ModelsJson.message("model", model, "result", "loading"));
                }
                case "unload" -> {
                    boolean unloaded = manager.unload(model);
                    LOG.info("Web Console: unload {} ({})", model, unloaded ? "unloaded" : "was not loaded");
                    json(response, 200, ModelsJson.message("model", model, "result",
                        unloaded ? "unloaded" : "not loaded"));
                }
                case "clear-cache" -> {
                    manager.clearEmbeddingCache(model);
                    LOG.info("Web Console: embedding cache of {} cleared", model);
                    json(response, 200, ModelsJson.message("model", model, "result", "cache cleared"));
                }
                default -> json(response, 400, ModelsJson.message("error",
                    "unknown action '" + action + "': load, unload or clear-cache"));
            }
        } catch (ModelException e) {
            json(response, e.code() == ErrorCode.NOT_REGISTERED ? 404 : 409, ModelsJson.message("error",
                e.getMessage(), "code", e.code().name()));
        }
    }

    private static void json(HttpServletResponse response, int status, String body) throws IOException {
        setNoCache(response);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print(body);
    }

    /** A value for an HTML attribute in double quotes. */
    static String attribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String resource(String name) {
        try (InputStream in = ModelsPlugin.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
