package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.event.ModelEvents;

/**
 * The manager, the example host bundle and a provider bundle inside a real Felix, with SCR, Config Admin,
 * Event Admin and Gogo as the distribution ships them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ManagerInFelixIT {
    private static final String EXAMPLE_BUNDLE = "dev.modelmanager.examples";
    private static final String EXAMPLE_MODEL = "minilm";
    private static final String DOCUMENTS = "dev.modelmanager.examples.documents.DocumentProcessor";

    @Inject
    private BundleContext context;

    @Inject
    private ModelManager manager;

    @Inject
    private CommandProcessor commands;

    @Inject
    private ConfigurationAdmin configurations;

    @Configuration
    public Option[] config() {
        return FelixOptions.distribution(true);
    }

    @Test
    public void theExampleDocumentProcessorIsServedByTheModelsServiceAndReleasesItWhenStopped() throws Exception {
        assertThat(context.getServiceReferences(DOCUMENTS, null)).as("no model 'minilm' yet: not satisfied").isNull();
        org.osgi.service.cm.Configuration declared = configurations.getFactoryConfiguration("dev.modelmanager.model",
            EXAMPLE_MODEL, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("model_type", "embedding");
        properties.put("name", "org/minilm");
        properties.put("dimension", "16");
        declared.update(properties);
        await("the document processor holds the model through its service", () -> manager.list().stream()
            .anyMatch(m -> m.modelId().equals(EXAMPLE_MODEL)
                && m.requesters().equals(List.of("config:" + EXAMPLE_MODEL, EXAMPLE_BUNDLE))));
        assertThat(manager.info(EXAMPLE_MODEL).status()).isEqualTo(ModelStatus.REGISTERED);

        assertThat(gogo("docs:add the cat sat on the mat")).contains("added document 1");
        gogo("docs:add stock markets fell sharply today");
        assertThat(gogo("docs:search 'a cat on the mat' 1")).contains("#1").contains("the cat sat on the mat")
            .doesNotContain("stock markets");
        assertThat(manager.info(EXAMPLE_MODEL).status()).isEqualTo(ModelStatus.LOADED);
        assertThat(gogo("model:list")).contains(EXAMPLE_MODEL).contains("LOADED").contains("test");

        // An idle timeout of 0 through Config Admin: the last release unloads at once.
        configure("idle.timeout.seconds", 0L);
        bundle(EXAMPLE_BUNDLE).stop();
        await("the example's reference is released with its bundle", () ->
            manager.info(EXAMPLE_MODEL).requesters().equals(List.of("config:" + EXAMPLE_MODEL)));
        declared.delete();
        await("the declared model released and unloaded", () -> manager.list().isEmpty());
    }

    @Test
    public void aDeclaredModelComesAndGoesWithItsConfigurationAndTheRestApiServesIt() throws Exception {
        org.osgi.service.cm.Configuration declared = configurations.getFactoryConfiguration("dev.modelmanager.model",
            "declared", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("model_type", "embedding");
        properties.put("name", "org/declared");
        properties.put("dimension", "16");
        properties.put("preload_workers", "1");
        declared.update(properties);
        await("the declared model loaded", () -> manager.list().stream().anyMatch(m -> m.modelId().equals("declared")
            && m.requesters().contains("config:declared") && m.status() == ModelStatus.LOADED));

        // The REST API on the Servlet Whiteboard, in this framework.
        String endpoint = endpoint();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> ready = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(endpoint + "health/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        java.net.http.HttpResponse<String> vectors = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(endpoint + "v1/embeddings")).header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\": \"declared\", \"input\": \"hi\"}"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(vectors.statusCode()).as(vectors.body()).isEqualTo(200);
        assertThat(vectors.body()).contains("\"object\":\"embedding\"");

        // The remote provider, configured with an endpoint that is this framework's own /v1.
        org.osgi.service.cm.Configuration self = configurations.getFactoryConfiguration(
            "dev.modelmanager.remote.endpoint", "self", "?");
        Hashtable<String, Object> selfEndpoint = new Hashtable<>();
        selfEndpoint.put("kind", "openai");
        selfEndpoint.put("base.url", endpoint);
        self.update(selfEndpoint);
        manager.register("via-self", ModelRequirement.builder(ModelType.EMBEDDING, "declared")
            .provider("remote").source(new dev.modelmanager.api.ModelSource.Remote("self", "declared")).build(), "it");
        await("the remote model loaded", () -> {
            try {
                return manager.load("via-self", java.time.Duration.ofSeconds(5)).status() == ModelStatus.LOADED;
            } catch (ModelException e) {
                return false; // the endpoint configuration may not have arrived yet
            }
        });
        assertThat(manager.embed("via-self", List.of("hi")).vectors().get(0))
            .containsExactly(manager.embed("declared", List.of("hi")).vectors().get(0));
        assertThat(manager.info("via-self").device()).isEqualTo("remote:self");
        // The endpoint's models reach the catalog, discovered by the remote provider.
        dev.modelmanager.api.ModelCatalog catalog = context.getService(
            context.getServiceReference(dev.modelmanager.api.ModelCatalog.class));
        await("the endpoint's models in the catalog", () -> catalog.query(null, null, "self", null).stream()
            .anyMatch(e -> e.name().equals("declared") && e.modelType() == ModelType.EMBEDDING));
        manager.release("via-self", "it");
        self.delete();

        declared.delete();
        await("the declared model released (held by " + manager.list().stream().filter(m -> m.modelId()
            .equals("declared")).map(m -> m.requesters().toString()).findFirst().orElse("nobody") + ")", () ->
            manager.list().stream().noneMatch(m -> m.modelId().equals("declared") && !m.requesters().isEmpty()));
    }

    /** Where the HTTP service listens (the port is chosen by the system in these tests). */
    private String endpoint() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            org.osgi.framework.ServiceReference<?>[] refs = context.getAllServiceReferences(
                "org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                Object value = refs[0].getProperty("osgi.http.endpoint");
                String first = value instanceof String[] a ? a[0] : value instanceof java.util.Collection<?> c
                    ? String.valueOf(c.iterator().next()) : String.valueOf(value);
                if (first != null && !first.endsWith(":0/")) {
                    return first.endsWith("/") ? first : first + "/";
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the HTTP service did not start");
    }

    @Test
    public void catalogEntriesComeAndGoWithTheirBundle() throws Exception {
        dev.modelmanager.api.ModelCatalog catalog = context.getService(
            context.getServiceReference(dev.modelmanager.api.ModelCatalog.class));
        await("the example bundle's catalog entries", () -> catalog.find("tiny-t5-en-fr").isPresent());
        assertThat(catalog.find("tiny-t5-en-fr").orElseThrow().origin())
            .isEqualTo("bundle:dev.modelmanager.examples/OSGI-INF/model-catalog/examples.yaml");
        Bundle examples = java.util.Arrays.stream(context.getBundles())
            .filter(b -> EXAMPLE_BUNDLE.equals(b.getSymbolicName())).findFirst().orElseThrow();
        examples.stop();
        await("entries gone with the bundle", () -> catalog.find("tiny-t5-en-fr").isEmpty());
        examples.start();
        await("entries back", () -> catalog.find("tiny-t5-en-fr").isPresent());
        assertThat(Gogo.run(commands, "catalog:query capability=translation")).contains("tiny-t5-en-fr")
            .doesNotContain("tiny-bert-sentiment");
    }

    @Test
    public void uninstallingTheProviderPutsModelsBackToWaitingAndReinstallingServesThemAgain() throws Exception {
        manager.register("it.model", ModelRequirement.builder(ModelType.EMBEDDING, "org/model").dimension(32).build(), "it");
        assertThat(manager.embed("it.model", List.of("hello")).embeddings().get(0).dimension()).isEqualTo(32);

        Bundle provider = bundle("dev.modelmanager.testsupport");
        provider.uninstall();
        assertThat(manager.info("it.model").status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
        assertThat(manager.info("it.model").reason()).contains("went away");
        assertThatThrownBy(() -> manager.embed("it.model", List.of("hello")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_PROVIDER));
        assertThat(gogo("model:info it.model")).contains("WAITING_FOR_PROVIDER");

        context.installBundle(FelixOptions.testSupportLocation()).start();
        await("loaded again by the new provider bundle", () -> manager.info("it.model").status() == ModelStatus.LOADED);
        assertThat(manager.embed("it.model", List.of("hello")).embeddings()).hasSize(1);
    }

    @Test
    public void lifecycleChangesArePostedAsEvents() throws Exception {
        List<String> topics = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, ModelEvents.TOPIC_ALL);
        props.put(EventConstants.EVENT_FILTER, "(" + ModelEvents.MODEL_ID + "=it.events)");
        context.registerService(EventHandler.class, (Event e) -> topics.add(e.getTopic()), props);

        manager.register("it.events", ModelRequirement.builder(ModelType.TEXT_GENERATION, "org/story").build(), "it");
        assertThat(manager.generate("it.events", "one two", null).text()).isEqualTo("two one");
        manager.setDefault("it.events");
        manager.release("it.events", "it");
        await("events delivered", () -> topics.size() >= 5);
        assertThat(topics).contains(ModelEvents.REGISTERED, ModelEvents.LOADING, ModelEvents.LOADED,
            ModelEvents.DEFAULT_CHANGED, ModelEvents.RELEASED);
        // Event Admin keeps the order of events posted by one thread: these three come from the test's thread.
        assertThat(topics).containsSubsequence(ModelEvents.REGISTERED, ModelEvents.LOADING, ModelEvents.RELEASED);
    }

    private void configure(String key, Object value) throws Exception {
        org.osgi.service.cm.Configuration config = configurations.getConfiguration("dev.modelmanager.core", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(key, value);
        config.update(props);
        Thread.sleep(500);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private String gogo(String command) throws Exception {
        return Gogo.run(commands, command);
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
