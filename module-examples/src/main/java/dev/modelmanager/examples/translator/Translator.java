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
import dev.modelmanager.examples.ExampleModels;

/**
 * A translator: a host bundle that needs a text2text model (T5 style, prompted with {@code translate English to
 * French: ...}). Registers its model at activation and releases it at deactivation. Active once configured (PID
 * {@value #PID}: {@code model.id}, requirement keys such as {@code path=/models/tiny-t5-en-fr}, and {@code prefix}).
 * Gogo: {@code translate:text}.
 */
@Component(service = Translator.class, immediate = true, configurationPid = Translator.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "osgi.command.scope=translate", "osgi.command.function=text"})
public final class Translator {
    static final String PID = "dev.modelmanager.examples.translator";
    static final String REQUESTER = "dev.modelmanager.examples.translator";
    static final ModelRequirement DEFAULT = ModelRequirement.builder(ModelType.TEXT2TEXT, "Xenova/t5-small").build();

    private final ModelManager models;
    private final String modelId;
    private final String prefix;

    @Activate
    public Translator(@Reference ModelManager models, Map<String, Object> config) {
        this.models = models;
        this.modelId = ExampleModels.modelId(config, "translator");
        Object p = config.get("prefix");
        this.prefix = p == null ? "translate English to French: " : p.toString();
        Map<String, Object> keys = new java.util.HashMap<>(config);
        keys.remove("prefix");
        models.register(modelId, ExampleModels.requirement(keys, DEFAULT), REQUESTER);
    }

    @Deactivate
    public void deactivate() {
        models.release(modelId, REQUESTER);
    }

    /** Translates texts, greedily, in one batch. */
    public List<String> translate(List<String> texts) {
        return models.transform(modelId, texts.stream().map(t -> prefix + t).toList(),
            GenerationOptions.builder().temperature(0.0).build()).outputs();
    }

    @Descriptor("Translates a text")
    public String text(@Descriptor("the text (quote it, or give several words)") String... words) {
        return translate(List.of(String.join(" ", words))).get(0) + "\n";
    }
}
