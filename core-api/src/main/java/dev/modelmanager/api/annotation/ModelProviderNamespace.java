package dev.modelmanager.api.annotation;

/**
 * The capability namespace of model providers: a bundle that contributes a
 * {@link dev.modelmanager.api.spi.ModelProvider} offers
 * <pre>
 * Provide-Capability: dev.modelmanager.provider;dev.modelmanager.provider=djl;
 *   model.types:List&lt;String&gt;="embedding,classification,text2text"
 * </pre>
 * (written by {@link ProvideModelTypes}) and a bundle that needs one requires, for instance,
 * {@code dev.modelmanager.provider;filter:="(model.types=embedding)";effective:=active} (written by
 * {@link RequireModelProvider}).
 */
public final class ModelProviderNamespace {
    /** The namespace, and the attribute holding the provider's name ({@code ModelProvider.name()}). */
    public static final String NAMESPACE = "dev.modelmanager.provider";
    /** The attribute listing the model type ids the provider serves ({@code ModelType.id()}). */
    public static final String MODEL_TYPES = "model.types";

    private ModelProviderNamespace() {
    }
}
