package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;

/**
 * The DJL provider bundle inside Felix: embed, classify and transform through the ModelManager service, and the
 * example document processor served by all-MiniLM-L6-v2 from an offline Hub cache prepared from its Maven jar.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DjlInFelixIT {
    /** The examples bundle, the requester of its components' handles. */
    private static final String EXAMPLES = "dev.modelmanager.examples";
    private static final String COMMIT = "1110000000000000000000000000000000000111";

    @Inject
    private ModelManager manager;

    @Inject
    private CommandProcessor commands;

    @Inject
    private org.osgi.service.cm.ConfigurationAdmin configurations;

    @Inject
    private org.osgi.framework.BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        Path cache = Files.createTempDirectory("hf-cache");
        prepareMiniLmCache(cache, Path.of(System.getProperty("minilm.jar")));
        return OptionUtils.combine(FelixOptions.distribution(false, false, true),
            systemProperty("shared.models").value(System.getProperty("shared.models")),
            systemProperty("HF_HUB_OFFLINE").value("1"),
            systemProperty("HF_HUB_CACHE").value(cache.toString()),
            systemProperty("DJL_CACHE_DIR").value(Path.of("target", "djl-cache").toAbsolutePath().toString()));
    }

    /** The Hub's cache layout for sentence-transformers/all-MiniLM-L6-v2, filled from the LangChain4j jar. */
    static void prepareMiniLmCache(Path cache, Path jar) throws Exception {
        Path repo = cache.resolve("models--sentence-transformers--all-MiniLM-L6-v2");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT).resolve("onnx"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            try (InputStream in = zip.getInputStream(zip.getEntry("all-minilm-l6-v2-q.onnx"))) {
                Files.copy(in, snapshot.resolve("model.onnx"));
            }
            try (InputStream in = zip.getInputStream(zip.getEntry("all-minilm-l6-v2-q-tokenizer.json"))) {
                Files.copy(in, snapshot.getParent().resolve("tokenizer.json"));
            }
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
    }

    @Test
    public void embedClassifyTransformAndTheExampleSearchWorkInsideFelix() throws Exception {
        Path models = Path.of(System.getProperty("shared.models"));
        manager.register("sentiment", ModelRequirement.builder(ModelType.CLASSIFICATION, "tiny-bert-sentiment")
            .path(models.resolve("tiny-bert-sentiment").toString()).build(), "it");
        assertThat(manager.classify("sentiment", List.of("the concert was not boring")).classifications().get(0)
            .top().label()).isEqualTo("POSITIVE");
        manager.register("fr", ModelRequirement.builder(ModelType.TEXT2TEXT, "tiny-t5-en-fr")
            .path(models.resolve("tiny-t5-en-fr").toString()).build(), "it");
        assertThat(manager.transform("fr", List.of("translate English to French: the black cat eats the fish"), null)
            .outputs()).containsExactly("le chat noir mange le poisson");

        // The example document processor takes the service of the model registered as 'minilm', here all-MiniLM-L6-v2
        // from the offline Hub cache.
        manager.register("minilm", ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/all-MiniLM-L6-v2")
            .dimension(384).build(), "it");
        awaitRegistered("minilm", "dev.modelmanager.examples");
        assertThat(gogo("docs:add the cat sat on the mat")).contains("added document 1");
        gogo("docs:add stock markets fell sharply today");
        gogo("docs:add a recipe for tomato soup");
        assertThat(gogo("docs:search 'a kitten resting on a rug' 1")).contains("#1  the cat sat on the mat");
        assertThat(manager.info("minilm").status()).isEqualTo(ModelStatus.LOADED);
        assertThat(manager.info("minilm").provider()).isEqualTo("djl");
        assertThat(manager.embed("minilm", List.of("hello")).embeddings().get(0).dimension()).isEqualTo(384);
    }

    /**
     * Updating the provider bundle (a new revision, a new class loader) under 32 concurrent callers: it used to break
     * embeddings until the JVM restarted (the new revision could not load the tokenizers' JNI library the old one
     * had loaded from the same file), and every call in the gap failed. Now each revision extracts its own copy,
     * running calls finish on the leaving revision and calls in the gap wait for the new one: no call fails.
     */
    @Test
    public void anUpdatedDjlBundleUnder32CallersFailsNoCall() throws Exception {
        manager.register("updated", ModelRequirement.builder(ModelType.EMBEDDING, "sentence-transformers/all-MiniLM-L6-v2")
            .dimension(384).cacheEmbeddings(false).build(), "it");
        float[] before = manager.embed("updated", List.of("the cat sat on the mat")).vectors().get(0);
        org.osgi.framework.Bundle djl = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "dev.modelmanager.provider.djl".equals(b.getSymbolicName())).findFirst().orElseThrow();
        long revision = djl.getLastModified();

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Thread> callers = new java.util.ArrayList<>();
        for (int t = 0; t < 32; t++) {
            int caller = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    long t0 = System.nanoTime();
                    try {
                        manager.embed("updated", List.of("caller " + caller + " sentence " + i));
                        calls.incrementAndGet();
                        slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            }, "caller-" + t);
            callers.add(thread);
            thread.start();
        }
        Thread.sleep(500);
        long beforeUpdate = calls.get();
        djl.update();
        assertThat(djl.getLastModified()).as("a new revision").isNotEqualTo(revision);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        long afterUpdate = calls.get();
        while (calls.get() < afterUpdate + 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Thread thread : callers) {
            thread.join(30_000);
        }
        System.out.printf("DJL bundle updated under 32 callers: %d calls, %d failed, slowest %d ms%n", calls.get(),
            failures.size(), slowest.get() / 1_000_000);
        assertThat(failures).as("failed calls of %d (%d before the update)", calls.get(), beforeUpdate).isEmpty();
        assertThat(calls.get()).isGreaterThan(afterUpdate + 200);
        assertThat(manager.embed("updated", List.of("the cat sat on the mat")).vectors().get(0)).containsExactly(before);
        assertThat(manager.info("updated").status()).isEqualTo(ModelStatus.LOADED);
        manager.release("updated", "it");
    }

    @Test
    public void theSentimentMonitorAndTranslatorExamplesWorkOnceConfigured() throws Exception {
        Path models = Path.of(System.getProperty("shared.models"));
        org.osgi.service.cm.Configuration sentiment = configurations.getConfiguration(
            "dev.modelmanager.examples.sentiment", "?");
        java.util.Hashtable<String, Object> s = new java.util.Hashtable<>();
        s.put("model_type", "classification");
        s.put("name", "tiny-bert-sentiment");
        s.put("path", models.resolve("tiny-bert-sentiment").toString());
        sentiment.update(s);
        org.osgi.service.cm.Configuration translator = configurations.getConfiguration(
            "dev.modelmanager.examples.translator", "?");
        java.util.Hashtable<String, Object> t = new java.util.Hashtable<>();
        t.put("model_type", "text2text");
        t.put("name", "tiny-t5-en-fr");
        t.put("path", models.resolve("tiny-t5-en-fr").toString());
        translator.update(t);
        awaitRegistered("sentiment", EXAMPLES);
        awaitRegistered("translator", EXAMPLES);

        assertThat(gogo("mood:feed 'the concert was not boring'")).startsWith("POSITIVE");
        gogo("mood:feed 'a dull and boring evening'");
        assertThat(gogo("mood:summary")).contains("POSITIVE=1");
        assertThat(gogo("translate:text 'the black cat eats the fish'")).contains("le chat noir mange le poisson");

        sentiment.delete();
        translator.delete();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (manager.list().stream().anyMatch(m -> (m.modelId().equals("sentiment") || m.modelId().equals("translator"))
            && m.requesters().contains(EXAMPLES))) {
            assertThat(System.nanoTime()).as("the examples released their models").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private void awaitRegistered(String modelId, String requester) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (manager.list().stream().noneMatch(m -> m.modelId().equals(modelId) && m.requesters().contains(requester))) {
            assertThat(System.nanoTime()).as("%s registered", modelId).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private String gogo(String command) throws Exception {
        return Gogo.run(commands, command);
    }
}
