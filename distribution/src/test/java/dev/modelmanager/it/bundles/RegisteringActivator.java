package dev.modelmanager.it.bundles;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;

/**
 * A host bundle that registers the shared test model under the id its {@code Model-Id} header names, and never
 * releases it: its stop (or, with {@code Fail-On-Start: true}, its failing start) must release it anyway.
 */
public final class RegisteringActivator implements BundleActivator {
    /** The requirement both test bundles ask for, under different ids. */
    public static final ModelRequirement SHARED = ModelRequirement.builder(ModelType.EMBEDDING,
        "it/shared-minilm").dimension(384).build();

    @Override
    public void start(BundleContext context) {
        ModelManager models = context.getService(context.getServiceReference(ModelManager.class));
        String id = context.getBundle().getHeaders().get("Model-Id");
        models.register(id, SHARED, context.getBundle().getSymbolicName());
        if (Boolean.parseBoolean(context.getBundle().getHeaders().get("Fail-On-Start"))) {
            throw new IllegalStateException("this activator fails after registering");
        }
    }

    @Override
    public void stop(BundleContext context) {
        // deliberately no release: the manager must not depend on it
    }
}
