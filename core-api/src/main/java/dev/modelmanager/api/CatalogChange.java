package dev.modelmanager.api;

import java.time.Instant;
import java.util.List;

/**
 * One change of a model's definition in the catalog ({@link ModelCatalog#history(String)}).
 *
 * @param at       when the catalog saw it (or the file's {@code updated_at})
 * @param provider the provider of the definition
 * @param name     the model's name
 * @param kind     {@code added}, {@code changed} or {@code removed}
 * @param fields   the fields that changed ({@code changed}), else empty
 * @param origin   where the definition came from
 * @param before   the definition before, or {@code null} when added
 * @param after    the definition after, or {@code null} when removed
 */
public record CatalogChange(Instant at, String provider, String name, String kind, List<String> fields,
                            String origin, CatalogEntry before, CatalogEntry after) {
    public CatalogChange {
        fields = List.copyOf(fields);
    }
}
