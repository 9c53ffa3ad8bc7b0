package dev.modelmanager.core.internal.source;

import java.net.URL;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import dev.modelmanager.core.internal.source.ResourceLocator;

/**
 * Finds resources in installed bundles by symbolic name (the newest resolved version), reading the bundle's own
 * entries first so that model files need no class loading. Without an owner it searches the manager's bundle.
 */
public final class BundleResourceLocator implements ResourceLocator {
    private final BundleContext context;

    public BundleResourceLocator(BundleContext context) {
        this.context = context;
    }

    @Override
    public Optional<Found> find(String owner, String resource) {
        Bundle best = owner == null ? context.getBundle() : null;
        if (owner != null) {
            for (Bundle bundle : context.getBundles()) {
                if (owner.equals(bundle.getSymbolicName()) && (bundle.getState() & (Bundle.INSTALLED | Bundle.UNINSTALLED)) == 0
                    && (best == null || bundle.getVersion().compareTo(best.getVersion()) > 0)) {
                    best = bundle;
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        URL url = best.getEntry(resource);
        if (url == null) {
            url = best.getResource(resource);
        }
        return url == null ? Optional.empty()
            : Optional.of(new Found(url, best.getVersion() + "-" + Long.toHexString(best.getLastModified())));
    }
}
