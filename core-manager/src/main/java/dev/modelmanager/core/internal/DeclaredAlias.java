package dev.modelmanager.core.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.AliasPolicy;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.core.internal.exec.DaemonThreads;

/**
 * An alias that moves on its own, declared by a configuration of factory PID {@value #PID} (a file
 * {@code etc/dev.modelmanager.alias-chat.cfg} declares the alias {@code chat}): {@code candidates=primary,backup},
 * {@code threshold}, {@code window_seconds}, {@code min_calls}, {@code switch_back} ({@link AliasPolicy#parse}). The
 * alias is set up in the background, once its candidates are registered (declared models may come after it), and
 * removed when the configuration is deleted.
 */
@Component(service = {}, configurationPid = DeclaredAlias.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class DeclaredAlias {
    static final String PID = "dev.modelmanager.alias";
    private static final Logger LOG = LoggerFactory.getLogger(DeclaredAlias.class);
    /** How long the candidates may take to be registered. */
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    private final ModelManager manager;
    private final String alias;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("modelmanager-alias"));
    private volatile boolean active = true;

    @Activate
    public DeclaredAlias(@Reference ModelManager manager, Map<String, Object> properties) {
        this.manager = manager;
        String name = text(properties.get("alias"));
        this.alias = name != null ? name : ModelManagerConstants.configurationName(
            String.valueOf(properties.get("service.pid")), properties.get("felix.fileinstall.filename"));
        AliasPolicy policy;
        try {
            policy = AliasPolicy.parse(properties);
        } catch (ModelException e) {
            LOG.warn("Declared alias {} ({}) is refused: {}", alias, properties.get("service.pid"), e.getMessage());
            return;
        }
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        thread.execute(() -> setUp(policy, deadline));
    }

    private void setUp(AliasPolicy policy, long deadline) {
        if (!active) {
            return;
        }
        try {
            manager.autoSwitch(alias, policy, Duration.ofSeconds(120));
            LOG.info("Declared alias {} set up: {}", alias, manager.aliases().get(alias));
        } catch (ModelException e) {
            // Candidates not registered yet (declared models come in any order), a provider not bound yet, a first
            // download longer than the wait: tried again until the patience runs out.
            if (e.code() != ErrorCode.INVALID_INPUT && System.nanoTime() < deadline) {
                LOG.info("Declared alias {} not set up yet, tried again in 5 s: {}", alias, e.getMessage());
                thread.schedule(() -> setUp(policy, deadline), 5, TimeUnit.SECONDS);
            } else {
                LOG.warn("Declared alias {} could not be set up: {}", alias, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("Declared alias {} could not be set up: {}", alias, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        thread.shutdownNow();
        try {
            manager.removeAlias(alias);
        } catch (RuntimeException e) {
            LOG.debug("Declared alias {}: {}", alias, e.toString());
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = String.valueOf(value).strip();
        return s.isEmpty() ? null : s;
    }
}
