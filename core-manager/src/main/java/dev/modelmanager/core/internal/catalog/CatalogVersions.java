package dev.modelmanager.core.internal.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.CatalogChange;
import dev.modelmanager.api.CatalogEntry;

/**
 * Versions of the catalog's definitions (files and bundles): each definition is stamped {@code updated_at} (the
 * file's, or when this version was first seen), and each addition, change and removal is kept as history, at most
 * {@value #KEPT} changes per model. In memory: the files themselves are what lasts. Callers serialise on this object
 * (it is cheap: no I/O).
 */
final class CatalogVersions {
    static final int KEPT = 100;

    /** origin|provider:name → the definition as it stands there, stamped (two catalogs may define one model). */
    private final Map<String, CatalogEntry> current = new HashMap<>();
    /** name → its changes, oldest first. */
    private final Map<String, List<CatalogChange>> changes = new HashMap<>();

    /**
     * An origin's definitions go from {@code before} (null or empty: none) to {@code after}; answers {@code after}
     * stamped.
     */
    synchronized List<CatalogEntry> replace(String origin, List<CatalogEntry> before, List<CatalogEntry> after) {
        Instant now = Instant.now();
        List<CatalogEntry> stamped = new ArrayList<>(after.size());
        java.util.Set<String> still = new java.util.HashSet<>();
        for (CatalogEntry entry : after) {
            String key = key(origin, entry);
            still.add(key);
            CatalogEntry known = current.get(key);
            CatalogEntry next;
            if (known == null) {
                next = entry.withUpdatedAt(entry.updatedAt() != null ? entry.updatedAt() : now);
                record(new CatalogChange(next.updatedAt(), entry.provider(), entry.name(), "added", List.of(), origin,
                    null, next));
            } else {
                List<String> fields = known.differences(entry);
                boolean restamped = entry.updatedAt() != null && !entry.updatedAt().equals(known.updatedAt());
                if (fields.isEmpty() && !restamped) {
                    next = entry.withUpdatedAt(known.updatedAt());
                } else {
                    next = entry.withUpdatedAt(entry.updatedAt() != null ? entry.updatedAt() : now);
                    if (!fields.isEmpty()) {
                        record(new CatalogChange(next.updatedAt(), entry.provider(), entry.name(), "changed", fields,
                            origin, known, next));
                    }
                }
            }
            current.put(key, next);
            stamped.add(next);
        }
        if (before != null) {
            for (CatalogEntry old : before) {
                String key = key(origin, old);
                if (!still.contains(key) && current.remove(key) != null) {
                    record(new CatalogChange(now, old.provider(), old.name(), "removed", List.of(), origin, old, null));
                }
            }
        }
        return List.copyOf(stamped);
    }

    synchronized List<CatalogChange> history(String name) {
        return List.copyOf(changes.getOrDefault(name, List.of()));
    }

    private void record(CatalogChange change) {
        List<CatalogChange> list = changes.computeIfAbsent(change.name(), n -> new ArrayList<>());
        list.add(change);
        if (list.size() > KEPT) {
            list.remove(0);
        }
    }

    private static String key(String origin, CatalogEntry entry) {
        return origin + "|" + entry.provider() + ":" + entry.name();
    }
}
