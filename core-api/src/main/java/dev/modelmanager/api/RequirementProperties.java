package dev.modelmanager.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * Builds a {@link ModelRequirement} from flat properties, as the shell and configuration files give them:
 * the schema's field names ({@code model_type}, {@code name}, {@code dimension}, {@code device}, {@code batch_size},
 * ...), a source ({@code hub=org/name}, {@code revision}, {@code files=a,b}; or {@code path=...}; or
 * {@code jar=...}/{@code bundle=...} with {@code resources=name=resource,...}; or {@code endpoint} and
 * {@code remote_model}), {@code provider}, {@code priority}, {@code pinned}, {@code warmup}, {@code idle_timeout}
 * (seconds), and
 * {@code option.<key>} for provider options. Unknown keys are refused, naming the key. {@link #format} writes a
 * requirement back in the same form, so that {@code parse(format(r))} equals {@code r}; Config Admin files, the
 * shell, the REST API and the manager's persisted state all use it.
 */
public final class RequirementProperties {
    /** The keys {@link #parse} accepts, besides {@code option.<key>}. */
    public static final List<String> KNOWN = List.of("model_type", "name", "dimension", "device", "batch_size",
        "cache_embeddings", "max_input_length", "max_output_length", "temperature", "top_k", "top_p", "streaming",
        "num_labels", "threshold", "preload_workers", "hub", "revision", "files", "quant", "path", "jar", "bundle",
        "resources",
        "endpoint", "remote_model", "provider", "priority", "pinned", "warmup", "idle_timeout");

    private RequirementProperties() {
    }

    /**
     * @throws ModelException {@link dev.modelmanager.api.ErrorCode#INVALID_REQUIREMENT} naming the key
     */
    public static ModelRequirement parse(Map<String, ?> properties) {
        return parse(properties, java.util.Set.of());
    }

    /**
     * As {@link #parse(Map)}, for a host bundle's own component configuration that carries a requirement beside keys
     * of its own: those keys are ignored (and nothing else is, so a mistyped requirement key is still refused).
     *
     * @param hostKeys the host's own keys, e.g. {@code prefix}
     * @throws ModelException {@link dev.modelmanager.api.ErrorCode#INVALID_REQUIREMENT} naming the key
     */
    public static ModelRequirement parse(Map<String, ?> properties, java.util.Collection<String> hostKeys) {
        ModelRequirement.Builder b = ModelRequirement.builder();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey().replace('.', '_');
            if (hostKeys.contains(e.getKey())) {
                continue;
            }
            if (e.getKey().startsWith("option.")) {
                b.option(e.getKey().substring("option.".length()), String.valueOf(e.getValue()));
            } else if (!KNOWN.contains(key) && !isFrameworkKey(e.getKey())) {
                throw ModelException.invalidRequirement(e.getKey(), "unknown key; known: " + String.join(", ", KNOWN)
                    + ", option.<key>");
            }
        }
        String type = text(properties, "model_type");
        b.modelType(type == null ? null : ModelType.fromId(type));
        String name = text(properties, "name");
        HubShortForm shortName = HubShortForm.of(name);
        b.name(shortName == null ? name : shortName.repository());
        b.dimension(integer(properties, "dimension"));
        if (text(properties, "device") != null) {
            b.device(text(properties, "device"));
        }
        if (integer(properties, "batch_size") != null) {
            b.batchSize(integer(properties, "batch_size"));
        }
        if (text(properties, "cache_embeddings") != null) {
            b.cacheEmbeddings(bool(properties, "cache_embeddings"));
        }
        b.maxInputLength(integer(properties, "max_input_length"));
        b.maxOutputLength(integer(properties, "max_output_length"));
        b.temperature(decimal(properties, "temperature"));
        b.topK(integer(properties, "top_k"));
        b.topP(decimal(properties, "top_p"));
        b.streaming(text(properties, "streaming") != null && bool(properties, "streaming"));
        b.numLabels(integer(properties, "num_labels"));
        b.threshold(decimal(properties, "threshold"));
        if (integer(properties, "preload_workers") != null) {
            b.preloadWorkers(integer(properties, "preload_workers"));
        }
        b.provider(text(properties, "provider"));
        if (integer(properties, "priority") != null) {
            b.priority(integer(properties, "priority"));
        }
        b.pinned(text(properties, "pinned") != null && bool(properties, "pinned"));
        b.warmup(text(properties, "warmup") != null && bool(properties, "warmup"));
        if (integer(properties, "idle_timeout") != null) {
            b.idleTimeout(Duration.ofSeconds(integer(properties, "idle_timeout")));
        }
        b.source(source(properties, shortName));
        return b.build();
    }

    /**
     * The requirement a component's configuration carries as a {@link RequirementConfig} (its non-empty attributes).
     *
     * @throws ModelException {@link dev.modelmanager.api.ErrorCode#INVALID_REQUIREMENT} naming the key
     */
    public static ModelRequirement from(RequirementConfig config) {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "model_type", config.model__type());
        put(p, "name", config.name());
        put(p, "dimension", config.dimension());
        put(p, "device", config.device());
        put(p, "batch_size", config.batch__size());
        put(p, "cache_embeddings", config.cache__embeddings());
        put(p, "max_input_length", config.max__input__length());
        put(p, "max_output_length", config.max__output__length());
        put(p, "temperature", config.temperature());
        put(p, "top_k", config.top__k());
        put(p, "top_p", config.top__p());
        put(p, "streaming", config.streaming());
        put(p, "num_labels", config.num__labels());
        put(p, "threshold", config.threshold());
        put(p, "preload_workers", config.preload__workers());
        put(p, "hub", config.hub());
        put(p, "revision", config.revision());
        put(p, "files", config.files());
        put(p, "quant", config.quant());
        put(p, "path", config.path());
        put(p, "jar", config.jar());
        put(p, "bundle", config.bundle());
        put(p, "resources", config.resources());
        put(p, "endpoint", config.endpoint());
        put(p, "remote_model", config.remote__model());
        put(p, "provider", config.provider());
        put(p, "priority", config.priority());
        put(p, "pinned", config.pinned());
        put(p, "warmup", config.warmup());
        put(p, "idle_timeout", config.idle__timeout());
        for (String option : config.options()) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw ModelException.invalidRequirement("options", "must be key=value, was '" + option + "'");
            }
            p.put("option." + option.substring(0, eq).strip(), option.substring(eq + 1).strip());
        }
        return parse(p);
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value.strip());
        }
    }

    /**
     * The requirement as properties {@link #parse} reads back: every field that differs from the default, the
     * source, and {@code option.<key>} for each provider option.
     */
    public static Map<String, String> format(ModelRequirement r) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("model_type", r.modelType().id());
        p.put("name", r.name());
        put(p, "dimension", r.dimension());
        if (!DeviceSelector.AUTO.equals(r.device())) {
            p.put("device", r.device().toString());
        }
        if (r.batchSize() != ModelRequirement.DEFAULT_BATCH_SIZE) {
            p.put("batch_size", Integer.toString(r.batchSize()));
        }
        if (!r.cacheEmbeddings()) {
            p.put("cache_embeddings", "false");
        }
        put(p, "max_input_length", r.maxInputLength());
        put(p, "max_output_length", r.maxOutputLength());
        put(p, "temperature", r.temperature());
        put(p, "top_k", r.topK());
        put(p, "top_p", r.topP());
        if (r.streaming()) {
            p.put("streaming", "true");
        }
        put(p, "num_labels", r.numLabels());
        put(p, "threshold", r.threshold());
        if (r.preloadWorkers() != 0) {
            p.put("preload_workers", Integer.toString(r.preloadWorkers()));
        }
        ModelSource source = r.source();
        if (source instanceof ModelSource.Hub hub) {
            boolean main = hub.revision() == null || hub.revision().equals("main");
            if (!hub.repository().equals(r.name()) || !main || !hub.files().isEmpty() || hub.quant() != null) {
                p.put("hub", hub.repository());
                put(p, "revision", main ? null : hub.revision());
                if (!hub.files().isEmpty()) {
                    p.put("files", String.join(",", hub.files()));
                }
                put(p, "quant", hub.quant());
            }
        } else if (source instanceof ModelSource.LocalPath local) {
            p.put("path", local.path());
        } else if (source instanceof ModelSource.Classpath cp) {
            put(p, "jar", cp.bundle());
            if (!cp.resources().isEmpty()) {
                p.put("resources", String.join(",", cp.resources()));
            }
        } else if (source instanceof ModelSource.Remote remote) {
            p.put("endpoint", remote.endpoint());
            put(p, "remote_model", remote.model());
        }
        put(p, "provider", r.provider());
        if (r.priority() != 0) {
            p.put("priority", Integer.toString(r.priority()));
        }
        if (r.pinned()) {
            p.put("pinned", "true");
        }
        if (r.warmup()) {
            p.put("warmup", "true");
        }
        if (r.idleTimeout() != null) {
            p.put("idle_timeout", Long.toString(r.idleTimeout().toSeconds()));
        }
        r.options().forEach((k, v) -> p.put("option." + k, v));
        return p;
    }

    private static void put(Map<String, String> p, String key, Object value) {
        if (value != null) {
            p.put(key, value.toString());
        }
    }

    private static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
            || key.startsWith("osgi.")
            || key.equals("model_id") || key.equals("model.id") || key.startsWith("webconsole.");
    }

    /**
     * {@code hf.co/<org>/<repo>:<quant>} (and {@code huggingface.co/...}), the form Ollama users know: a Hub
     * repository and the quantization of its GGUF file ({@code Q4_K_M} when no tag is given).
     */
    record HubShortForm(String repository, String quant) {
        static HubShortForm of(String value) {
            if (value == null) {
                return null;
            }
            String v = value.strip();
            for (String prefix : List.of("https://huggingface.co/", "https://hf.co/", "huggingface.co/", "hf.co/")) {
                if (v.regionMatches(true, 0, prefix, 0, prefix.length())) {
                    String rest = v.substring(prefix.length());
                    int colon = rest.lastIndexOf(':');
                    return colon < 0 ? new HubShortForm(rest, "Q4_K_M")
                        : new HubShortForm(rest.substring(0, colon), rest.substring(colon + 1));
                }
            }
            return null;
        }
    }

    private static ModelSource source(Map<String, ?> p, HubShortForm shortName) {
        String quant = text(p, "quant");
        if (text(p, "hub") != null) {
            HubShortForm hub = HubShortForm.of(text(p, "hub"));
            return hub == null ? new ModelSource.Hub(text(p, "hub"), text(p, "revision"), list(p, "files"), quant)
                : new ModelSource.Hub(hub.repository(), text(p, "revision"), list(p, "files"),
                    quant != null ? quant : hub.quant());
        }
        if (shortName != null || quant != null && text(p, "path") == null && text(p, "jar") == null
            && text(p, "bundle") == null && text(p, "endpoint") == null) {
            String repository = shortName != null ? shortName.repository() : text(p, "name");
            return new ModelSource.Hub(repository, text(p, "revision"), list(p, "files"),
                quant != null ? quant : shortName.quant());
        }
        if (text(p, "path") != null) {
            return new ModelSource.LocalPath(text(p, "path"));
        }
        if (text(p, "jar") != null || text(p, "bundle") != null || text(p, "resources") != null) {
            return new ModelSource.Classpath(text(p, "jar") != null ? text(p, "jar") : text(p, "bundle"), list(p, "resources"));
        }
        if (text(p, "endpoint") != null) {
            return new ModelSource.Remote(text(p, "endpoint"), text(p, "remote_model"));
        }
        return null; // the Hub repository named by 'name'
    }

    private static String text(Map<String, ?> p, String key) {
        Object v = p.containsKey(key) ? p.get(key) : p.get(key.replace('_', '.'));
        if (v == null) {
            return null;
        }
        if (v instanceof String[] array) {
            return String.join(",", array);
        }
        String s = String.valueOf(v).strip();
        return s.isEmpty() ? null : s;
    }

    private static List<String> list(Map<String, ?> p, String key) {
        String v = text(p, key);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Integer integer(Map<String, ?> p, String key) {
        String v = text(p, key);
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ModelException.invalidRequirement(key, "must be a whole number, was " + v);
        }
    }

    private static Double decimal(Map<String, ?> p, String key) {
        String v = text(p, key);
        try {
            return v == null ? null : Double.valueOf(v);
        } catch (NumberFormatException e) {
            throw ModelException.invalidRequirement(key, "must be a number, was " + v);
        }
    }

    private static boolean bool(Map<String, ?> p, String key) {
        String v = text(p, key);
        if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
            throw ModelException.invalidRequirement(key, "must be true or false, was " + v);
        }
        return Boolean.parseBoolean(v);
    }
}
