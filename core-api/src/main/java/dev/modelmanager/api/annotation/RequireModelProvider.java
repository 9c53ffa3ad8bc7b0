package dev.modelmanager.api.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Requirement;

/**
 * Declares, on a class of a host bundle, that the bundle needs a model provider: a requirement in the
 * {@link ModelProviderNamespace#NAMESPACE} namespace, {@code effective:=active}, which a resolver assembling a
 * runtime for the bundle satisfies with a provider bundle. This one asks for a provider of any model type; the
 * nested annotations ask for one of a type: {@code @RequireModelProvider.Embedding}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
@Requirement(namespace = ModelProviderNamespace.NAMESPACE, filter = "(" + ModelProviderNamespace.NAMESPACE + "=*)",
    effective = "active")
public @interface RequireModelProvider {

    /** A provider of {@code embedding} models. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target({ElementType.TYPE, ElementType.PACKAGE})
    @Requirement(namespace = ModelProviderNamespace.NAMESPACE, filter = "(" + ModelProviderNamespace.MODEL_TYPES
        + "=embedding)", effective = "active")
    @interface Embedding {
    }

    /** A provider of {@code text_generation} models. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target({ElementType.TYPE, ElementType.PACKAGE})
    @Requirement(namespace = ModelProviderNamespace.NAMESPACE, filter = "(" + ModelProviderNamespace.MODEL_TYPES
        + "=text_generation)", effective = "active")
    @interface TextGeneration {
    }

    /** A provider of {@code text2text} models. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target({ElementType.TYPE, ElementType.PACKAGE})
    @Requirement(namespace = ModelProviderNamespace.NAMESPACE, filter = "(" + ModelProviderNamespace.MODEL_TYPES
        + "=text2text)", effective = "active")
    @interface Text2Text {
    }

    /** A provider of {@code classification} models. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target({ElementType.TYPE, ElementType.PACKAGE})
    @Requirement(namespace = ModelProviderNamespace.NAMESPACE, filter = "(" + ModelProviderNamespace.MODEL_TYPES
        + "=classification)", effective = "active")
    @interface Classification {
    }
}
