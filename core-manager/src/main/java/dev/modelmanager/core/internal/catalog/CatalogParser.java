package dev.modelmanager.core.internal.catalog;

import java.io.Reader;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ModelType;

/**
 * Reads a catalog file and checks it against the schema, failing with the file, the line, the field and the reason:
 * <pre>
 * models:
 *   - name: gpt-4o-mini                 # required
 *     provider: openai                  # required
 *     model_type: text_generation       # required: embedding, text_generation, text2text, classification
 *     description: Small, fast, cheap
 *     context_window: 128000
 *     max_output_tokens: 16384
 *     pricing: {input_per_million: 0.15, output_per_million: 0.60}
 *     capabilities: [chat_completion, streaming, function_calling]
 *     dimension: 384                    # embedding models
 *     deprecated: 2027-01-31
 *     default: true                     # the provider's default model
 *     metadata: {family: gpt-4o}
 * </pre>
 */
public final class CatalogParser {
    private static final Set<String> KEYS = Set.of("name", "provider", "model_type", "description", "context_window",
        "max_output_tokens", "pricing", "capabilities", "dimension", "deprecated", "default", "metadata",
        "updated_at");

    /** A file that breaks the schema or is not YAML. */
    static final class CatalogException extends Exception {
        private static final long serialVersionUID = 1L;

        CatalogException(String message) {
            super(message, null, false, false);
        }
    }

    private final String origin;

    private CatalogParser(String origin) {
        this.origin = origin;
    }

    /** Parses one file; {@code origin} names it in entries and errors. */
    public static List<CatalogEntry> parse(Reader reader, String origin) throws CatalogException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            throw new CatalogException(origin + ":" + (e.getProblemMark().getLine() + 1) + ": not valid YAML: "
                + e.getProblem());
        } catch (RuntimeException e) {
            throw new CatalogException(origin + ": not valid YAML: " + e.getMessage());
        }
        return new CatalogParser(origin).entries(root);
    }

    private List<CatalogEntry> entries(Node root) throws CatalogException {
        if (root == null) {
            return List.of();
        }
        Map<String, Node> top = map(root, "the file");
        for (String key : top.keySet()) {
            if (!key.equals("models")) {
                throw error(top.get(key), key, "unknown key; a catalog file holds 'models'");
            }
        }
        Node models = top.get("models");
        if (models == null) {
            throw error(root, "models", "is required (a list of model definitions)");
        }
        if (!(models instanceof SequenceNode list)) {
            throw error(models, "models", "must be a list");
        }
        List<CatalogEntry> entries = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            entries.add(entry(list.getValue().get(i), "models[" + i + "]"));
        }
        return entries;
    }

    private CatalogEntry entry(Node node, String at) throws CatalogException {
        Map<String, Node> fields = map(node, at);
        for (Map.Entry<String, Node> f : fields.entrySet()) {
            if (!KEYS.contains(f.getKey())) {
                throw error(f.getValue(), at + "." + f.getKey(), "unknown key; known: " + String.join(", ",
                    new java.util.TreeSet<>(KEYS)));
            }
        }
        String name = text(fields, "name", at, true);
        String provider = text(fields, "provider", at, true);
        String type = text(fields, "model_type", at, true);
        ModelType modelType;
        try {
            modelType = ModelType.fromId(type);
        } catch (RuntimeException e) {
            throw error(fields.get("model_type"), at + ".model_type",
                "must be embedding, text_generation, text2text or classification, was '" + type + "'");
        }
        Double input = null;
        Double output = null;
        Node pricing = fields.get("pricing");
        if (pricing != null) {
            Map<String, Node> prices = map(pricing, at + ".pricing");
            for (Map.Entry<String, Node> p : prices.entrySet()) {
                if (!p.getKey().equals("input_per_million") && !p.getKey().equals("output_per_million")) {
                    throw error(p.getValue(), at + ".pricing." + p.getKey(),
                        "unknown key; known: input_per_million, output_per_million");
                }
            }
            input = decimal(prices, "input_per_million", at + ".pricing");
            output = decimal(prices, "output_per_million", at + ".pricing");
        }
        Set<String> capabilities = new LinkedHashSet<>();
        Node caps = fields.get("capabilities");
        if (caps != null) {
            if (!(caps instanceof SequenceNode seq)) {
                throw error(caps, at + ".capabilities", "must be a list of names");
            }
            for (Node c : seq.getValue()) {
                if (!(c instanceof ScalarNode s) || s.getValue().isBlank()) {
                    throw error(c, at + ".capabilities", "must be a list of names");
                }
                capabilities.add(s.getValue().strip());
            }
        }
        LocalDate deprecated = null;
        String day = text(fields, "deprecated", at, false);
        if (day != null) {
            try {
                deprecated = LocalDate.parse(day);
            } catch (DateTimeParseException e) {
                throw error(fields.get("deprecated"), at + ".deprecated", "must be a date (YYYY-MM-DD), was '" + day
                    + "'");
            }
        }
        Map<String, String> metadata = new HashMap<>();
        Node meta = fields.get("metadata");
        if (meta != null) {
            for (Map.Entry<String, Node> m : map(meta, at + ".metadata").entrySet()) {
                if (!(m.getValue() instanceof ScalarNode s)) {
                    throw error(m.getValue(), at + ".metadata." + m.getKey(), "must be a plain value");
                }
                metadata.put(m.getKey(), s.getValue());
            }
        }
        String isDefault = text(fields, "default", at, false);
        if (isDefault != null && !isDefault.equals("true") && !isDefault.equals("false")) {
            throw error(fields.get("default"), at + ".default", "must be true or false, was '" + isDefault + "'");
        }
        Integer dimension = positive(fields, "dimension", at);
        if (dimension != null && modelType != ModelType.EMBEDDING) {
            throw error(fields.get("dimension"), at + ".dimension", "applies to embedding models only");
        }
        java.time.Instant updatedAt = null;
        String updated = text(fields, "updated_at", at, false);
        if (updated != null) {
            try {
                updatedAt = updated.length() == 10 ? LocalDate.parse(updated).atStartOfDay(java.time.ZoneOffset.UTC)
                    .toInstant() : java.time.OffsetDateTime.parse(updated).toInstant();
            } catch (DateTimeParseException e) {
                throw error(fields.get("updated_at"), at + ".updated_at", "must be a date (YYYY-MM-DD) or a date and "
                    + "time with offset (2026-01-31T12:00:00Z), was '" + updated + "'");
            }
        }
        return new CatalogEntry(name, provider, modelType, text(fields, "description", at, false),
            positive(fields, "context_window", at), positive(fields, "max_output_tokens", at), input, output,
            capabilities, dimension, deprecated, "true".equals(isDefault), metadata, origin, updatedAt);
    }

    private Map<String, Node> map(Node node, String at) throws CatalogException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, at, "must be a mapping of keys to values");
        }
        Map<String, Node> out = new java.util.LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw error(t.getKeyNode(), at, "keys must be plain names");
            }
            out.put(key.getValue(), t.getValueNode());
        }
        return out;
    }

    private String text(Map<String, Node> fields, String key, String at, boolean required) throws CatalogException {
        Node node = fields.get(key);
        if (node == null) {
            if (required) {
                throw new CatalogException(origin + ": " + at + "." + key + ": is required");
            }
            return null;
        }
        if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
            throw error(node, at + "." + key, "must be a non-empty value");
        }
        return s.getValue().strip();
    }

    private Integer positive(Map<String, Node> fields, String key, String at) throws CatalogException {
        String v = text(fields, key, at, false);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error(fields.get(key), at + "." + key, "must be a positive whole number, was '" + v + "'");
    }

    private Double decimal(Map<String, Node> fields, String key, String at) throws CatalogException {
        String v = text(fields, key, at, false);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error(fields.get(key), at + "." + key, "must be a number >= 0, was '" + v + "'");
    }

    private CatalogException error(Node node, String field, String reason) {
        return new CatalogException(origin + ":" + (node.getStartMark().getLine() + 1) + ": " + field + ": " + reason);
    }
}
