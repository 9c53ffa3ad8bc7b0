package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.CatalogEntry;

/**
 * A whiteboard service that contributes catalog entries it discovers (the remote provider lists what its endpoints
 * serve). {@link #entries()} must answer at once from what the source already knows: discovery runs in the
 * background and is cached with a time to live.
 */
@ConsumerType
public interface CatalogSource {
    /** The entries known now. */
    List<CatalogEntry> entries();

    /**
     * Asks again now (an operator's discovery), blocking until done; {@link #entries()} answers the new findings
     * afterwards. Answers what could not be asked, by name (an endpoint), with the reason; empty when all answered.
     */
    default java.util.Map<String, String> refresh() {
        return java.util.Map.of();
    }
}
