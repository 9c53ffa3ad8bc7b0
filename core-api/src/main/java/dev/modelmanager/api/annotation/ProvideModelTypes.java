package dev.modelmanager.api.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;

/**
 * Declares, on a {@link dev.modelmanager.api.spi.ModelProvider} implementation, the capability its bundle offers in
 * the {@link ModelProviderNamespace#NAMESPACE} namespace: the provider's name and the model types it serves. Keep
 * both equal to what the provider's {@code name()} and {@code modelTypes()} answer (retained at run time so that a
 * test can compare them).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Capability(namespace = ModelProviderNamespace.NAMESPACE)
public @interface ProvideModelTypes {
    /** The provider's name, as {@code ModelProvider.name()} answers it. */
    @Attribute(ModelProviderNamespace.NAMESPACE)
    String provider();

    /** The ids of the model types it serves ({@code "embedding"}, {@code "text_generation"}, ...). */
    @Attribute(ModelProviderNamespace.MODEL_TYPES)
    String[] value();
}
