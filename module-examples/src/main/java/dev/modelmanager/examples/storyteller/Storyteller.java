package dev.modelmanager.examples.storyteller;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.examples.ExampleModels;

/**
 * A storyteller: a host bundle that needs a text generation model and shows the story as it is written (streaming,
 * with backpressure: it asks for one piece at a time). Registers its model at activation and releases it at
 * deactivation. Active once configured (PID {@value #PID}: {@code model.id}, requirement keys such as
 * {@code path=/models/stories260K.gguf}). Gogo: {@code story:tell}.
 */
@Component(service = Storyteller.class, immediate = true, configurationPid = Storyteller.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "osgi.command.scope=story", "osgi.command.function=tell"})
public final class Storyteller {
    static final String PID = "dev.modelmanager.examples.storyteller";
    static final String REQUESTER = "dev.modelmanager.examples.storyteller";
    static final ModelRequirement DEFAULT = ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
        .hub("ggml-org/models", "main", "tinyllamas/stories260K.gguf").build();

    private final ModelManager models;
    private final String modelId;

    @Activate
    public Storyteller(@Reference ModelManager models, Map<String, Object> config) {
        this.models = models;
        this.modelId = ExampleModels.modelId(config, "storyteller");
        models.register(modelId, ExampleModels.requirement(config, DEFAULT), REQUESTER);
    }

    @Deactivate
    public void deactivate() {
        models.release(modelId, REQUESTER);
    }

    /**
     * Continues a beginning, printing each piece to {@code out} as it comes; returns the whole story. (Not named
     * {@code tell}: Gogo would offer it as the command too, and coerce a word of the story into a
     * {@code PrintStream}, that is, create a file named after it.)
     */
    public String write(String beginning, int maxTokens, PrintStream out) {
        StringBuilder story = new StringBuilder(beginning);
        CompletableFuture<String> done = new CompletableFuture<>();
        out.print(beginning);
        models.stream(modelId, beginning, GenerationOptions.builder().maxOutputLength(maxTokens).temperature(0.0)
            .build()).subscribe(new Flow.Subscriber<GenerationChunk>() {
                private Flow.Subscription subscription;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(1);
                }

                @Override
                public void onNext(GenerationChunk chunk) {
                    out.print(chunk.text());
                    out.flush();
                    story.append(chunk.text());
                    subscription.request(1);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(story.toString());
                }
            });
        try {
            String text = done.join();
            out.println();
            return text;
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Descriptor("Tells a story from its beginning, printing it as it is written")
    public void tell(CommandSession session,
                     @Descriptor("most tokens") @Parameter(names = {"-n", "--max-tokens"}, absentValue = "64") int max,
                     @Descriptor("the beginning (quote it, or give several words)") String... words) {
        write(String.join(" ", words), max, session.getConsole());
    }
}
