package dev.modelmanager.core.internal.source;

import java.net.URL;
import java.util.Optional;

/** Finds a resource inside a named bundle (in OSGi) or on a class path (outside it). */
@FunctionalInterface
public interface ResourceLocator {

    /** A resource found, with a version that changes when its content may have (for the extraction cache). */
    record Found(URL url, String version) {
    }

    /**
     * @param owner    a bundle symbolic name, or {@code null} for the default class path
     * @param resource the resource path inside it
     */
    Optional<Found> find(String owner, String resource);

    /** Looks in a class loader; the owner must be {@code null}. */
    static ResourceLocator of(ClassLoader loader) {
        return (owner, resource) -> {
            if (owner != null) {
                return Optional.empty();
            }
            URL url = loader.getResource(resource.startsWith("/") ? resource.substring(1) : resource);
            return Optional.ofNullable(url).map(u -> new Found(u, Integer.toHexString(u.toString().hashCode())));
        };
    }
}
