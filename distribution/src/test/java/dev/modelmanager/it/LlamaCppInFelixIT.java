package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.ProviderInfo;

/** The llama.cpp provider bundle inside Felix, through the ModelManager service, on the stories260K model. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LlamaCppInFelixIT {
    private static final GenerationOptions GREEDY = GenerationOptions.builder().temperature(0.0).maxOutputLength(24).build();

    @Inject
    private org.apache.felix.service.command.CommandProcessor commands;

    @Inject
    private org.osgi.service.cm.ConfigurationAdmin configurations;

    @Inject
    private ModelManager manager;

    @Inject
    private org.osgi.framework.BundleContext context;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(FelixOptions.distribution(false, true, false),
            systemProperty("shared.models").value(System.getProperty("shared.models")),
            systemProperty("de.kherud.llama.tmpdir").value(System.getProperty("de.kherud.llama.tmpdir")));
    }

    private Path stories() {
        return Path.of(System.getProperty("shared.models"), "stories260K.gguf");
    }

    private void register() throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (manager.status().providers().stream().map(ProviderInfo::name).noneMatch("llamacpp"::equals)
            && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
            .path(stories().toString()).build(), "it");
    }

    @Test
    public void generateStreamAndChatWorkThroughTheManagerService() throws Exception {
        register();
        assertThat(manager.status().providers()).filteredOn(p -> p.name().equals("llamacpp"))
            .singleElement().satisfies(p -> assertThat(p.problem()).isNull());

        String readme = Files.readString(stories().resolveSibling("README.md"));
        Matcher m = Pattern.compile("Greedy \"Once upon a time\" continues with \"(.+?)\" with llama\\.cpp").matcher(readme);
        assertThat(m.find()).isTrue();
        String text = manager.generate("stories", "Once upon a time", GREEDY).text();
        assertThat(m.group(1)).startsWith(text.strip().substring(0, Math.min(text.strip().length(), 40)));

        StringBuilder streamed = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        manager.stream("stories", "Once upon a time", GREEDY).subscribe(new Flow.Subscriber<GenerationChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(GenerationChunk chunk) {
                streamed.append(chunk.text());
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(30, TimeUnit.SECONDS);
        assertThat(streamed.toString()).isEqualTo(text);

        assertThat(manager.chat("stories", List.of(ChatMessage.user("Tell me a story.")), GREEDY).text()).isNotBlank();
        assertThat(manager.info("stories").provider()).isEqualTo("llamacpp");
        manager.load("stories", Duration.ofSeconds(5));
    }

    /** An updated provider bundle (a new class loader) loads its own copy of the JNI library and serves again. */
    @Test
    public void anUpdatedLlamaCppBundleGeneratesAgainWithoutARestart() throws Exception {
        register();
        String before = manager.generate("stories", "Once upon a time", GREEDY).text();
        org.osgi.framework.Bundle llama = java.util.Arrays.stream(context.getBundles())
            .filter(b -> "dev.modelmanager.provider.llamacpp".equals(b.getSymbolicName())).findFirst().orElseThrow();
        llama.update();
        String after = null;
        dev.modelmanager.api.ModelException last = null;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (after == null && System.nanoTime() < deadline) {
            try {
                after = manager.generate("stories", "Once upon a time", GREEDY).text();
            } catch (dev.modelmanager.api.ModelException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        assertThat(after).as("generation after the update (last failure: %s)", last).isEqualTo(before);
        assertThat(manager.status().providers()).filteredOn(p -> p.name().equals("llamacpp"))
            .singleElement().satisfies(p -> assertThat(p.problem()).isNull());
    }

    @Test
    public void theStorytellerExampleStreamsAStoryOnceConfigured() throws Exception {
        org.osgi.service.cm.Configuration config = configurations.getConfiguration(
            "dev.modelmanager.examples.storyteller", "?");
        java.util.Hashtable<String, Object> p = new java.util.Hashtable<>();
        p.put("model_type", "text_generation");
        p.put("name", "stories260K");
        p.put("path", stories().toString());
        config.update(p);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (manager.list().stream().noneMatch(m -> m.modelId().equals("storyteller"))) {
            assertThat(System.nanoTime()).as("the storyteller registered its model").isLessThan(deadline);
            Thread.sleep(50);
        }
        String expected = manager.generate("storyteller", "Once upon a time", GenerationOptions.builder()
            .maxOutputLength(12).temperature(0.0).build()).text();
        String told = Gogo.run(commands, "story:tell -n 12 Once upon a time");
        assertThat(told).startsWith("Once upon a time" + expected);
        config.delete();
    }
}
