package dev.modelmanager.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The model catalog: definitions of models (context window, pricing, capabilities, deprecation, ...) contributed by
 * bundles (an extender reads {@code OSGI-INF/model-catalog/*.yaml} while a bundle is active) and by files in the
 * catalog folder. The manager checks requirements against it at registration.
 */
@ProviderType
public interface ModelCatalog {

    /** Every entry, sorted by provider and name. */
    List<CatalogEntry> entries();

    /** The entry of a model name (the first by provider when several providers list it). */
    Optional<CatalogEntry> find(String name);

    /**
     * The entries that match every condition given ({@code null} or empty ignores a condition), sorted by provider
     * and name.
     *
     * @param capabilities     capabilities every entry must offer
     * @param minContextWindow the least context window
     * @param provider         the provider
     * @param modelType        the model type
     */
    List<CatalogEntry> query(Collection<String> capabilities, Integer minContextWindow, String provider,
                             ModelType modelType);

    /** A provider's default model, if its entries name one. */
    Optional<CatalogEntry> defaultFor(String provider);

    /**
     * The entries of these names, in this order, for side-by-side comparison.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED} naming a name the catalog does not know
     */
    List<CatalogEntry> compare(List<String> names);

    /** Catalog files that could not be read, each with file, line, field and reason. */
    List<String> problems();

    /**
     * Asks every source now instead of waiting for its next check: the catalog folder is read again and each
     * {@link dev.modelmanager.api.spi.CatalogSource} refreshed (the remote endpoints list what they serve, within
     * their timeouts). Blocks until they answered.
     */
    CatalogDiscovery discover();

    /**
     * How a model's definitions changed since the catalog started (its files and bundles as they came, changed and
     * went; what endpoints report is not versioned), oldest first; empty for an unknown name.
     */
    java.util.List<CatalogChange> history(String name);
}
