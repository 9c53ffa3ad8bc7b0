package dev.modelmanager.examples.storyteller;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GeneratorRef;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.annotation.RequireModelProvider;
import dev.modelmanager.examples.ExampleModels;

/**
 * A storyteller: a host bundle that needs a text generation model and shows the story as it is written. Takes a
 * {@link GeneratorRef} at activation and closes it at deactivation. Active once configured (PID {@value #PID}:
 * {@code model.id} and requirement keys such as {@code path=/models/stories260K.gguf}, or only the {@code model.id}
 * of a declared model). Gogo: {@code story:tell}.
 */
@RequireModelProvider.TextGeneration
@Component(service = Storyteller.class, immediate = true, configurationPid = Storyteller.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "osgi.command.scope=story", "osgi.command.function=tell"})
public final class Storyteller {
    static final String PID = "dev.modelmanager.examples.storyteller";
    static final ModelRequirement DEFAULT = ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
        .hub("ggml-org/models", "main", "tinyllamas/stories260K.gguf").build();

    private final GeneratorRef model;

    @Activate
    public Storyteller(@Reference ModelManager models, Map<String, Object> config) {
        this.model = ExampleModels.open(models, config, "storyteller", DEFAULT, GeneratorRef.class);
    }

    @Deactivate
    public void deactivate() {
        model.close();
    }

    /**
     * Continues a beginning, printing each piece to {@code out} as the model writes it (on the model's thread; the
     * model waits for each print); returns the whole story. (Not named {@code tell}: Gogo would offer it as the
     * command too, and coerce a word of the story into a {@code PrintStream}, that is, create a file named after
     * it.)
     */
    public String write(String beginning, int maxTokens, PrintStream out) {
        out.print(beginning);
        GenerationOptions greedy = GenerationOptions.builder().maxOutputLength(maxTokens).temperature(0.0).build();
        try {
            String story = beginning + model.stream(beginning, greedy, piece -> {
                out.print(piece);
                out.flush();
            }).join().text();
            out.println();
            return story;
        } catch (CompletionException e) {
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
