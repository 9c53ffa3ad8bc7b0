package dev.modelmanager.rest.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.CacheStats;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ProviderInfo;
import dev.modelmanager.api.Registration;

/** The JSON shapes of the management API (snake_case, times as ISO-8601, no secrets). */
final class Views {
    private Views() {
    }

    static Map<String, Object> model(ModelInfo m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.modelId());
        v.put("model_type", m.modelType().id());
        v.put("name", m.name());
        v.put("source", m.source());
        v.put("status", m.status().name());
        v.put("reason", m.reason());
        v.put("provider", m.provider());
        v.put("reference_count", m.referenceCount());
        v.put("requesters", m.requesters());
        v.put("default", m.isDefault());
        v.put("device", m.device());
        v.put("device_note", m.deviceNote());
        v.put("workers", m.workers());
        v.put("in_flight", m.inFlight());
        v.put("queued", m.queued());
        v.put("estimated_memory_bytes", m.estimatedMemoryBytes());
        v.put("memory_bytes", m.memoryBytes());
        v.put("loaded_at", time(m.loadedAt()));
        v.put("last_used", time(m.lastUsed()));
        v.put("priority", m.priority());
        v.put("pinned", m.pinned());
        v.put("preload_workers", m.preloadWorkers());
        v.put("progress", m.progress());
        v.put("details", m.details());
        v.put("cache", m.cache() == null ? null : cache(m.cache()));
        v.put("stats", stats(m.stats()));
        return v;
    }

    static Map<String, Object> stats(ModelStats s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("requests", s.requests());
        v.put("failures", s.failures());
        v.put("cancelled", s.cancelled());
        v.put("success_rate", s.successRate());
        v.put("items", s.items());
        v.put("prompt_tokens", s.promptTokens());
        v.put("generated_tokens", s.generatedTokens());
        v.put("latency_mean_seconds", s.meanLatencySeconds());
        v.put("latency_p50_seconds", s.latencyQuantileSeconds(0.5));
        v.put("latency_p95_seconds", s.latencyQuantileSeconds(0.95));
        v.put("latency_p99_seconds", s.latencyQuantileSeconds(0.99));
        // null, not 0, while no generation produced a token (or two): nothing was measured yet.
        boolean firstTokens = s.timeToFirstTokenCount() > 0;
        boolean gaps = s.interTokenLatencyCount() > 0;
        v.put("time_to_first_token_p50_seconds", firstTokens ? s.timeToFirstTokenQuantileSeconds(0.5) : null);
        v.put("time_to_first_token_p95_seconds", firstTokens ? s.timeToFirstTokenQuantileSeconds(0.95) : null);
        v.put("inter_token_latency_p50_seconds", gaps ? s.interTokenLatencyQuantileSeconds(0.5) : null);
        v.put("inter_token_latency_p95_seconds", gaps ? s.interTokenLatencyQuantileSeconds(0.95) : null);
        return v;
    }

    static Map<String, Object> cache(CacheStats c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("size", c.size());
        v.put("hits", c.hits());
        v.put("misses", c.misses());
        v.put("hit_rate", c.hitRate());
        return v;
    }

    static Map<String, Object> provider(ProviderInfo p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", p.name());
        v.put("model_types", p.modelTypes().stream().map(t -> t.id()).sorted().toList());
        v.put("loaded_models", p.models());
        v.put("problem", p.problem());
        return v;
    }

    static Map<String, Object> registration(Registration r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.modelId());
        v.put("new_registration", r.newRegistration());
        v.put("reference_count", r.referenceCount());
        v.put("model_type", r.modelType().id());
        v.put("name", r.modelName());
        v.put("status", r.status().name());
        return v;
    }

    static List<Map<String, Object>> models(List<ModelInfo> list) {
        return list.stream().map(Views::model).toList();
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
