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
}
