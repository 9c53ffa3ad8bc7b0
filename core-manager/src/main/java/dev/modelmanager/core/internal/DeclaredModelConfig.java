package dev.modelmanager.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One model declared by configuration (factory PID {@code dev.modelmanager.model}); the keys are those of the
 * requirement schema ({@link dev.modelmanager.api.RequirementProperties}). The metatype lists the common ones;
 * every other requirement key ({@code temperature}, {@code option.<key>}, ...) is accepted too.
 */
@ObjectClassDefinition(
    id = "dev.modelmanager.model",
    name = "OSGi Model Manager: declared model",
    description = "A model the manager registers without any bundle asking for it; one configuration per model.")
@interface DeclaredModelConfig {

    @AttributeDefinition(name = "Model id", required = false,
        description = "The id callers use; empty = the configuration's name (dev.modelmanager.model~<name>).")
    String model_id() default "";

    @AttributeDefinition(name = "Model type", options = {
        @Option(value = "embedding", label = "Embedding"), @Option(value = "text_generation", label = "Text generation"),
        @Option(value = "text2text", label = "Text to text"), @Option(value = "classification", label = "Classification")})
    String model_type();

    @AttributeDefinition(name = "Name", description = "The model's name (a Hub repository when no other source is given).")
    String name();

    @AttributeDefinition(name = "Hub repository", required = false, description = "Hugging Face repository, e.g. ggml-org/models.")
    String hub();

    @AttributeDefinition(name = "Hub revision", required = false, description = "Branch, tag or commit; default main.")
    String revision();

    @AttributeDefinition(name = "Hub files", required = false, description = "Files of the repository, comma separated.")
    String files();

    @AttributeDefinition(name = "Local path", required = false, description = "A model file or folder on this machine.")
    String path();

    @AttributeDefinition(name = "Jar", required = false, description = "A jar holding the model's files as resources.")
    String jar();

    @AttributeDefinition(name = "Resources", required = false,
        description = "Resources of the jar or bundle, comma separated; 'name=resource' maps a resource to the file a provider expects.")
    String resources();

    @AttributeDefinition(name = "Dimension", required = false, description = "Embedding dimension, checked at load.")
    String dimension();

    @AttributeDefinition(name = "Device", required = false, description = "auto, cpu, cuda or cuda:N.")
    String device() default "auto";

    @AttributeDefinition(name = "Preload workers", required = false,
        description = "0 = fetch the files now and load on first use; N = load now.")
    String preload_workers() default "0";

    @AttributeDefinition(name = "Pinned", required = false, description = "Never unload.")
    String pinned() default "false";

    @AttributeDefinition(name = "Priority", required = false, description = "Higher stays loaded longer under memory pressure.")
    String priority() default "0";

    @AttributeDefinition(name = "Provider", required = false, description = "Only this provider may serve it.")
    String provider();
}
