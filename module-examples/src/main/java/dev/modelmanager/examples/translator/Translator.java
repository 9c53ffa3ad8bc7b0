package dev.modelmanager.examples.translator;

import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.Text2TextRef;
import dev.modelmanager.api.annotation.RequireModelProvider;
import dev.modelmanager.examples.ExampleModels;

/**
 * A translator: a host bundle that needs a text2text model (T5 style, prompted with {@code translate English to
 * French: ...}). Takes a {@link Text2TextRef} at activation and closes it at deactivation. Active once configured
 * (PID {@value #PID}: {@code model.id}, requirement keys such as {@code path=/models/tiny-t5-en-fr}, and its own key
 * {@code prefix}). Gogo: {@code translate:text}.
 */
@RequireModelProvider.Text2Text
@Component(service = Translator.class, immediate = true, configurationPid = Translator.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "osgi.command.scope=translate", "osgi.command.function=text"})
public final class Translator {
    static final String PID = "dev.modelmanager.examples.translator";
    static final ModelRequirement DEFAULT = ModelRequirement.builder(ModelType.TEXT2TEXT, "Xenova/t5-small").build();
    private static final GenerationOptions GREEDY = GenerationOptions.builder().temperature(0.0).build();

    private final Text2TextRef model;
    private final String prefix;

    @Activate
    public Translator(@Reference ModelManager models, Map<String, Object> config) {
        Object p = config.get("prefix");
        this.prefix = p == null ? "translate English to French: " : p.toString();
        this.model = ExampleModels.open(models, config, "translator", DEFAULT, Text2TextRef.class, "prefix");
    }

    @Deactivate
    public void deactivate() {
        model.close();
    }

    /** Translates texts, greedily, in one batch. */
    public List<String> translate(List<String> texts) {
        return model.transform(texts.stream().map(t -> prefix + t).toList(), GREEDY).outputs();
    }

    @Descriptor("Translates a text")
    public String text(@Descriptor("the text (quote it, or give several words)") String... words) {
        return translate(List.of(String.join(" ", words))).get(0) + "\n";
    }
}
