package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.it.bundles.RegisteringActivator;

/**
 * References owned by bundles, in a real Felix with bundles made by the test: two bundles registering the same
 * requirement under different ids share one loaded model; a bundle stopped without releasing, or whose activator
 * throws, leaves no reference; the REST API cannot release a bundle's reference.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class BundleReferencesInFelixIT {
    @Inject
    private BundleContext context;

    @Inject
    private ModelManager manager;

    @Configuration
    public Option[] config() {
        return FelixOptions.distribution(true);
    }

    private Bundle install(String name, String modelId, boolean failOnStart) throws Exception {
        return context.installBundle("test:" + name, TestBundles.bundle(name, Map.of("Model-Id", modelId,
            "Bundle-Activator", RegisteringActivator.class.getName(), "Fail-On-Start", String.valueOf(failOnStart)),
            RegisteringActivator.class));
    }

    @Test
    public void bundlesOwnTheirReferencesAndShareOneModel() throws Exception {
        Bundle a = install("it.host.a", "docs-a", false);
        Bundle b = install("it.host.b", "docs-b", false);
        a.start();
        b.start();
        manager.embed("docs-a", List.of("one"));
        manager.embed("docs-b", List.of("two"));
        assertThat(manager.info("docs-b").requesters()).containsExactly("it.host.a", "it.host.b");
        assertThat(manager.info("docs-b").details()).containsEntry("shared.with", "docs-a");
        assertThat(manager.list().stream().filter(m -> m.name().equals("it/shared-minilm")).count())
            .as("two ids").isEqualTo(2);
        assertThat(manager.status().loadedModels()).as("one loaded instance").isEqualTo(1);

        // The REST API cannot release a bundle's reference (it answers 403 and names the owner).
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(endpoint() + "api/v1/models/docs-b?requester=it.host.b")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("it.host.b");
        assertThat(manager.info("docs-b").requesters()).contains("it.host.b");
        // Nor can another bundle (this test's probe) through its own view.
        assertThatThrownBy(() -> manager.release("docs-b", "it.host.b")).hasMessageContaining("belongs to bundle");

        // Stopped without calling release: its reference goes anyway; the id it named goes with it.
        a.stop();
        await("a's reference released", () -> manager.list().stream().noneMatch(m -> m.modelId().equals("docs-a")));
        assertThat(manager.info("docs-b").requesters()).containsExactly("it.host.b");
        b.uninstall();
        a.uninstall();
        await("b's reference released", () -> manager.list().stream().noneMatch(m -> m.modelId().equals("docs-b")
            && !m.requesters().isEmpty()));
    }

    @Test
    public void aBundleWhoseActivatorThrowsLeavesNoReference() throws Exception {
        Bundle failing = install("it.host.failing", "docs-failing", true);
        assertThatThrownBy(failing::start).isInstanceOf(BundleException.class);
        await("its reference released", () -> manager.list().stream().noneMatch(m ->
            m.requesters().contains("it.host.failing")));
        failing.uninstall();
    }

    private String endpoint() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            org.osgi.framework.ServiceReference<?>[] refs = context.getAllServiceReferences(
                "org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                Object value = refs[0].getProperty("osgi.http.endpoint");
                String first = value instanceof String[] s ? s[0] : value instanceof java.util.Collection<?> c
                    ? String.valueOf(c.iterator().next()) : String.valueOf(value);
                if (first != null && !first.endsWith(":0/")) {
                    return first.endsWith("/") ? first : first + "/";
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the HTTP service did not start");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
