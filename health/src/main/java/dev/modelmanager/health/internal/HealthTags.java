package dev.modelmanager.health.internal;

/** The {@code hc.tags} this bundle's checks carry: {@code hc:exec -t modelmanager} runs them all. */
final class HealthTags {
    /** Every check of this bundle. */
    static final String MODELMANAGER = "modelmanager";
    /** The per-model checks. */
    static final String MODEL = "modelmanager.model";
    /** The check of the manager as a whole. */
    static final String MANAGER = "modelmanager.manager";

    private HealthTags() {
    }
}
