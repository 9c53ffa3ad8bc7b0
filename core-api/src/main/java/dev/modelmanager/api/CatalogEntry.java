package dev.modelmanager.api;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One model described in the catalog: what it is, what it can do, what it costs. Definitions come from catalog
 * files ({@code OSGI-INF/model-catalog/*.yaml} in any bundle, or the distribution's catalog folder).
 *
 * @param name                  the model's name (as requirements and endpoints know it)
 * @param provider              who serves it ({@code openai}, {@code anthropic}, {@code ollama}, {@code llamacpp}, ...)
 * @param modelType             what it does
 * @param description           a line for people, or {@code null}
 * @param contextWindow         tokens of context, or {@code null}
 * @param maxOutputTokens       most tokens per answer, or {@code null}
 * @param inputPricePerMillion  price of a million input tokens (in the file's currency, USD by convention), or {@code null}
 * @param outputPricePerMillion price of a million output tokens, or {@code null}
 * @param capabilities          what it can be asked ({@code chat_completion}, {@code streaming}, {@code vision}, ...)
 * @param dimension             embedding dimension, or {@code null}
 * @param deprecated            from when it is deprecated, or {@code null}
 * @param isDefault             whether it is its provider's default model
 * @param metadata              anything else, as text
 * @param origin                where the definition comes from: {@code bundle:<symbolic name>/<entry>} or a file
 * @param updatedAt             when the definition last changed: its {@code updated_at} when the file gives one,
 *                              else when the catalog first saw this version of it; {@code null} until it is seen
 */
public record CatalogEntry(String name, String provider, ModelType modelType, String description,
                           Integer contextWindow, Integer maxOutputTokens, Double inputPricePerMillion,
                           Double outputPricePerMillion, Set<String> capabilities, Integer dimension,
                           LocalDate deprecated, boolean isDefault, Map<String, String> metadata, String origin,
                           java.time.Instant updatedAt) {

    /** A definition not yet seen by a catalog ({@code updatedAt} unknown). */
    public CatalogEntry(String name, String provider, ModelType modelType, String description, Integer contextWindow,
                        Integer maxOutputTokens, Double inputPricePerMillion, Double outputPricePerMillion,
                        Set<String> capabilities, Integer dimension, LocalDate deprecated, boolean isDefault,
                        Map<String, String> metadata, String origin) {
        this(name, provider, modelType, description, contextWindow, maxOutputTokens, inputPricePerMillion,
            outputPricePerMillion, capabilities, dimension, deprecated, isDefault, metadata, origin, null);
    }

    /** This definition, stamped. */
    public CatalogEntry withUpdatedAt(java.time.Instant at) {
        return new CatalogEntry(name, provider, modelType, description, contextWindow, maxOutputTokens,
            inputPricePerMillion, outputPricePerMillion, capabilities, dimension, deprecated, isDefault, metadata,
            origin, at);
    }

    /** The fields in which {@code other} defines the model differently (origin and time stamp aside). */
    public java.util.List<String> differences(CatalogEntry other) {
        java.util.List<String> fields = new java.util.ArrayList<>();
        diff(fields, "model_type", modelType, other.modelType);
        diff(fields, "description", description, other.description);
        diff(fields, "context_window", contextWindow, other.contextWindow);
        diff(fields, "max_output_tokens", maxOutputTokens, other.maxOutputTokens);
        diff(fields, "pricing.input_per_million", inputPricePerMillion, other.inputPricePerMillion);
        diff(fields, "pricing.output_per_million", outputPricePerMillion, other.outputPricePerMillion);
        diff(fields, "capabilities", capabilities, other.capabilities);
        diff(fields, "dimension", dimension, other.dimension);
        diff(fields, "deprecated", deprecated, other.deprecated);
        diff(fields, "default", isDefault, other.isDefault);
        diff(fields, "metadata", metadata, other.metadata);
        return fields;
    }

    private static void diff(java.util.List<String> fields, String field, Object a, Object b) {
        if (!java.util.Objects.equals(a, b)) {
            fields.add(field);
        }
    }
    public CatalogEntry {
        capabilities = capabilities == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(capabilities));
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** Whether it is deprecated on {@code day}. */
    public boolean deprecatedOn(LocalDate day) {
        return deprecated != null && !day.isBefore(deprecated);
    }

    /** Whether it offers every capability asked. */
    public boolean offers(java.util.Collection<String> wanted) {
        return capabilities.containsAll(wanted);
    }

    /** The cost of a call with these token counts, or {@code null} when prices are unknown. */
    public Double cost(long inputTokens, long outputTokens) {
        if (inputPricePerMillion == null || outputPricePerMillion == null) {
            return null;
        }
        return (inputTokens * inputPricePerMillion + outputTokens * outputPricePerMillion) / 1_000_000.0;
    }

    /** Every catalog key's value, for side-by-side comparison. */
    public List<String> row() {
        return List.of(name, provider, modelType.id(), text(contextWindow), text(maxOutputTokens),
            text(inputPricePerMillion), text(outputPricePerMillion), capabilities.isEmpty() ? "-"
                : String.join(",", capabilities), text(deprecated));
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }
}
