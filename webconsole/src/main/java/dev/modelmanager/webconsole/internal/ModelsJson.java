package dev.modelmanager.webconsole.internal;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.modelmanager.api.CacheStats;
import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStats;

/**
 * What the Models page shows, as the JSON its script polls: per model its status, references and requesters, device,
 * memory, queue, embedding-cache hit rate and latency; and the totals. Written by hand: the page needs a dozen fields
 * and the bundle no JSON library.
 */
final class ModelsJson {
    private final StringBuilder out = new StringBuilder(1024);

    private ModelsJson() {
    }

    static String of(ManagerStatus status) {
        ModelsJson json = new ModelsJson();
        json.out.append('{');
        json.field("registered").append(status.registeredModels()).append(',');
        json.field("loaded").append(status.loadedModels()).append(',');
        json.field("default").string(status.defaultModel()).append(',');
        json.field("providers").strings(status.providers().stream().map(p -> p.name()).toList()).append(',');
        json.field("models").append('[');
        List<ModelInfo> models = status.models();
        for (int i = 0; i < models.size(); i++) {
            if (i > 0) {
                json.out.append(',');
            }
            json.model(models.get(i));
        }
        json.out.append("]}");
        return json.out.toString();
    }

    private void model(ModelInfo m) {
        ModelStats stats = m.stats();
        out.append('{');
        field("id").string(m.modelId()).append(',');
        field("type").string(m.modelType().id()).append(',');
        field("name").string(m.name()).append(',');
        field("status").string(m.status().name()).append(',');
        field("reason").string(m.reason()).append(',');
        field("progress").string(m.progress()).append(',');
        field("provider").string(m.provider()).append(',');
        field("references").append(m.referenceCount()).append(',');
        field("requesters").strings(m.requesters()).append(',');
        field("default").append(m.isDefault()).append(',');
        field("device").string(m.device()).append(',');
        field("deviceNote").string(m.deviceNote()).append(',');
        field("workers").append(m.workers()).append(',');
        field("inFlight").append(m.inFlight()).append(',');
        field("queued").append(m.queued()).append(',');
        field("memoryBytes").append(m.memoryBytes()).append(',');
        field("estimatedMemoryBytes").append(m.estimatedMemoryBytes()).append(',');
        CacheStats cache = m.cache();
        field("cache");
        if (cache == null) {
            out.append("null");
        } else {
            out.append('{');
            field("size").append(cache.size()).append(',');
            field("hits").append(cache.hits()).append(',');
            field("misses").append(cache.misses()).append(',');
            field("hitRate").number(cache.hitRate());
            out.append('}');
        }
        out.append(',');
        field("requests").append(stats.requests()).append(',');
        field("failures").append(stats.failures()).append(',');
        field("cancelled").append(stats.cancelled()).append(',');
        field("latencyMeanMs").number(stats.meanLatencySeconds() * 1000).append(',');
        field("latencyP50Ms").number(stats.latencyQuantileSeconds(0.5) * 1000).append(',');
        field("latencyP95Ms").number(stats.latencyQuantileSeconds(0.95) * 1000).append(',');
        // generations only: time to first token and between tokens (null for a model that never generated)
        boolean generated = stats.timeToFirstTokenCount() > 0;
        quantiles("ttft", generated, stats.timeToFirstTokenQuantileSeconds(0.5),
            stats.timeToFirstTokenQuantileSeconds(0.95));
        boolean gaps = stats.interTokenLatencyCount() > 0;
        quantiles("itl", gaps, stats.interTokenLatencyQuantileSeconds(0.5),
            stats.interTokenLatencyQuantileSeconds(0.95));
        field("loadedAt").string(instant(m.loadedAt())).append(',');
        field("lastUsed").string(instant(m.lastUsed()));
        out.append('}');
    }

    /** {@code <name>P50Ms} and {@code <name>P95Ms}, or nulls when nothing was measured. */
    private void quantiles(String name, boolean measured, double p50Seconds, double p95Seconds) {
        field(name + "P50Ms");
        if (measured) {
            number(p50Seconds * 1000);
        } else {
            out.append("null");
        }
        out.append(',');
        field(name + "P95Ms");
        if (measured) {
            number(p95Seconds * 1000);
        } else {
            out.append("null");
        }
        out.append(',');
    }

    private static String instant(Instant value) {
        return value == null ? null : value.toString();
    }

    private ModelsJson field(String name) {
        string(name);
        out.append(':');
        return this;
    }

    private ModelsJson append(Object value) {
        out.append(value);
        return this;
    }

    private ModelsJson number(double value) {
        out.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null");
        return this;
    }

    private ModelsJson strings(List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(values.get(i));
        }
        out.append(']');
        return this;
    }

    /** A JSON string: quotes, backslashes and control characters escaped, and '<' so that no "</script>" forms. */
    ModelsJson string(String value) {
        if (value == null) {
            out.append("null");
            return this;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return this;
    }

    /** One JSON object of string fields (action answers). */
    static String message(String... keyValues) {
        ModelsJson json = new ModelsJson();
        json.out.append('{');
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                json.out.append(',');
            }
            json.field(keyValues[i]).string(keyValues[i + 1]);
        }
        json.out.append('}');
        return json.out.toString();
    }
}
