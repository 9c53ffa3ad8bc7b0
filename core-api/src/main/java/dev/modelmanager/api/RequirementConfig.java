package dev.modelmanager.api;

/**
 * A {@link ModelRequirement} as a component property type, so that a host bundle's own component configuration
 * can carry one: take it as a parameter of the {@code @Activate} constructor (beside the component's own
 * configuration type) and build the requirement with {@link RequirementProperties#from(RequirementConfig)}.
 * Attributes read the requirement keys of {@link RequirementProperties} as configuration files write them
 * ({@code model_type}, {@code max_input_length}: Declarative Services maps the double underscore of
 * {@code model__type()} to one); an empty attribute is not set. Provider options are {@code key=value} entries of
 * {@link #options()}.
 *
 * <pre>
 * &#64;Activate
 * public Indexer(&#64;Reference ModelManager models, RequirementConfig requirement, Config own) {
 *     this.model = models.register(own.model_id(), RequirementProperties.from(requirement),
 *         EmbeddingModelRef.class);
 * }
 * </pre>
 */
public @interface RequirementConfig {
    String model__type() default "";

    String name() default "";

    String dimension() default "";

    String device() default "";

    String batch__size() default "";

    String cache__embeddings() default "";

    String max__input__length() default "";

    String max__output__length() default "";

    String temperature() default "";

    String top__k() default "";

    String top__p() default "";

    String streaming() default "";

    String num__labels() default "";

    String threshold() default "";

    String preload__workers() default "";

    String hub() default "";

    String quant() default "";

    String revision() default "";

    String files() default "";

    String path() default "";

    String jar() default "";

    String bundle() default "";

    String resources() default "";

    String endpoint() default "";

    String remote__model() default "";

    String provider() default "";

    String priority() default "";

    String pinned() default "";

    String warmup() default "";

    String idle__timeout() default "";

    /** Provider options, {@code key=value} each. */
    String[] options() default {};
}
