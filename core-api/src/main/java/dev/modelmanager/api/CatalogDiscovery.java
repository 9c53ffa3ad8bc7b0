package dev.modelmanager.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@link ModelCatalog#discover()} found: the catalog after every source was asked again, and what changed.
 * Entries are named {@code provider:name} in {@code added} and {@code gone}.
 *
 * @param entries  every entry now
 * @param added    entries that were not there before the discovery
 * @param gone     entries that were there before and are not any more
 * @param failures sources that could not be asked (an endpoint name or a catalog file) with the reason
 * @param at       when the discovery ended
 */
public record CatalogDiscovery(List<CatalogEntry> entries, List<String> added, List<String> gone,
                               Map<String, String> failures, Instant at) {
    public CatalogDiscovery {
        entries = List.copyOf(entries);
        added = List.copyOf(added);
        gone = List.copyOf(gone);
        failures = Map.copyOf(failures);
    }
}
