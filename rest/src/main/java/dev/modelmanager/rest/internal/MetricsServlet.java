package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.ProviderInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /metrics} in the Prometheus text format (version 0.0.4): per model its state, calls, failures,
 * items, tokens, a latency histogram, calls running and queued, memory, embedding cache; for models that generate,
 * histograms of the time to first token and the inter-token latency; providers; and the HTTP requests this bundle
 * answered.
 */
final class MetricsServlet extends JsonServlet {
    private static final long serialVersionUID = 1L;

    private final transient ModelManager manager;
    private final transient HttpCounters http;

    MetricsServlet(ModelManager manager, Supplier<RestSettings> settings, HttpCounters http) {
        super(settings);
        this.manager = manager;
        this.http = http;
    }

    @Override
    protected void handle(String method, List<String> path, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        require(method, "GET", request);
        response.setStatus(200);
        response.setContentType("text/plain; version=0.0.4");
        response.setCharacterEncoding("UTF-8");
        PrintWriter out = response.getWriter();
        write(manager.status(), http, out);
        usage(manager.usage(), out);
        out.flush();
    }

    /**
     * Calls by requester and model (the requesters are bundles; at most 32 per model, the rest as {@code other}, so
     * the label stays bounded).
     */
    static void usage(List<dev.modelmanager.api.RequesterUsage> usage, PrintWriter out) {
        header(out, "modelmanager_requester_calls_total", "counter", "Calls by requester (bundle) and model.");
        usage.forEach(u -> out.println("modelmanager_requester_calls_total{" + labels(u) + "} " + u.calls()));
        header(out, "modelmanager_requester_failures_total", "counter", "Failed calls by requester and model.");
        usage.forEach(u -> out.println("modelmanager_requester_failures_total{" + labels(u) + "} " + u.failures()));
        header(out, "modelmanager_requester_items_total", "counter", "Items by requester and model.");
        usage.forEach(u -> out.println("modelmanager_requester_items_total{" + labels(u) + "} " + u.items()));
        header(out, "modelmanager_requester_tokens_total", "counter", "Tokens by requester, model and kind.");
        usage.forEach(u -> {
            out.println("modelmanager_requester_tokens_total{" + labels(u) + ",kind=\"prompt\"} " + u.promptTokens());
            out.println("modelmanager_requester_tokens_total{" + labels(u) + ",kind=\"generated\"} "
                + u.generatedTokens());
        });
        // A gauge: the tokens are priced at the catalog's prices of now, so a price change reprices what was used.
        header(out, "modelmanager_requester_cost", "gauge",
            "Cost of the tokens used at the catalog's current prices, by requester and model (priced models only).");
        usage.stream().filter(u -> u.cost() != null)
            .forEach(u -> out.println("modelmanager_requester_cost{" + labels(u) + "} " + number(u.cost())));
    }

    private static String labels(dev.modelmanager.api.RequesterUsage u) {
        return "requester=\"" + escape(u.requester()) + "\",model=\"" + escape(u.modelId()) + "\"";
    }

    static void write(ManagerStatus status, HttpCounters http, PrintWriter out) {
        header(out, "modelmanager_models", "gauge", "Registered models by status.");
        for (ModelStatus s : ModelStatus.values()) {
            long n = status.models().stream().filter(m -> m.status() == s).count();
            out.println("modelmanager_models{status=\"" + s.name() + "\"} " + n);
        }
        header(out, "modelmanager_model_loaded", "gauge", "1 while the model is loaded.");
        status.models().forEach(m -> sample(out, "modelmanager_model_loaded", m, m.status() == ModelStatus.LOADED ? 1 : 0));
        header(out, "modelmanager_model_references", "gauge", "Requesters holding the model.");
        status.models().forEach(m -> sample(out, "modelmanager_model_references", m, m.referenceCount()));
        header(out, "modelmanager_model_requests_total", "counter", "Calls answered.");
        status.models().forEach(m -> sample(out, "modelmanager_model_requests_total", m, m.stats().requests()));
        header(out, "modelmanager_model_failures_total", "counter", "Calls that failed.");
        status.models().forEach(m -> sample(out, "modelmanager_model_failures_total", m, m.stats().failures()));
        header(out, "modelmanager_model_cancelled_total", "counter", "Calls their callers cancelled (not failures).");
        status.models().forEach(m -> sample(out, "modelmanager_model_cancelled_total", m, m.stats().cancelled()));
        header(out, "modelmanager_model_items_total", "counter", "Texts embedded, classified or transformed; generations.");
        status.models().forEach(m -> sample(out, "modelmanager_model_items_total", m, m.stats().items()));
        header(out, "modelmanager_model_prompt_tokens_total", "counter",
            "Tokens read: prompts of generations, texts embedded where the provider counts them.");
        status.models().forEach(m -> sample(out, "modelmanager_model_prompt_tokens_total", m, m.stats().promptTokens()));
        header(out, "modelmanager_model_generated_tokens_total", "counter", "Tokens generated.");
        status.models().forEach(m -> sample(out, "modelmanager_model_generated_tokens_total", m,
            m.stats().generatedTokens()));
        header(out, "modelmanager_model_request_duration_seconds", "histogram", "Call latency.");
        for (ModelInfo m : status.models()) {
            ModelStats s = m.stats();
            histogram(out, "modelmanager_model_request_duration_seconds", labels(m), ModelStats.LATENCY_BOUNDS_SECONDS,
                s.latencyBuckets(), s.latencySeconds());
        }
        List<ModelInfo> generating = status.models().stream()
            .filter(m -> m.modelType() == ModelType.TEXT_GENERATION || m.stats().timeToFirstTokenCount() > 0).toList();
        header(out, "modelmanager_time_to_first_token_seconds", "histogram",
            "Time from a generation reaching the manager (queue and load included) to its first token.");
        for (ModelInfo m : generating) {
            ModelStats s = m.stats();
            histogram(out, "modelmanager_time_to_first_token_seconds", labels(m),
                ModelStats.TIME_TO_FIRST_TOKEN_BOUNDS_SECONDS, s.timeToFirstTokenBuckets(),
                s.timeToFirstTokenSeconds());
        }
        header(out, "modelmanager_inter_token_latency_seconds", "histogram",
            "Time between two consecutive tokens of a generation.");
        for (ModelInfo m : generating) {
            ModelStats s = m.stats();
            histogram(out, "modelmanager_inter_token_latency_seconds", labels(m),
                ModelStats.INTER_TOKEN_LATENCY_BOUNDS_SECONDS, s.interTokenLatencyBuckets(),
                s.interTokenLatencySeconds());
        }
        header(out, "modelmanager_model_in_flight", "gauge", "Calls running or queued on the model's workers.");
        status.models().forEach(m -> sample(out, "modelmanager_model_in_flight", m, m.inFlight()));
        header(out, "modelmanager_model_queued", "gauge", "Calls waiting for a worker.");
        status.models().forEach(m -> sample(out, "modelmanager_model_queued", m, m.queued()));
        header(out, "modelmanager_model_workers", "gauge", "Loaded instances.");
        status.models().forEach(m -> sample(out, "modelmanager_model_workers", m, m.workers()));
        header(out, "modelmanager_model_memory_bytes", "gauge", "Memory the loaded model reports using (-1 unknown).");
        status.models().forEach(m -> sample(out, "modelmanager_model_memory_bytes", m, m.memoryBytes()));
        header(out, "modelmanager_model_memory_estimated_bytes", "gauge", "The provider's estimate (-1 unknown).");
        status.models().forEach(m -> sample(out, "modelmanager_model_memory_estimated_bytes", m,
            m.estimatedMemoryBytes()));
        header(out, "modelmanager_embedding_cache_hits_total", "counter", "Embedding cache hits.");
        status.models().stream().filter(m -> m.cache() != null)
            .forEach(m -> sample(out, "modelmanager_embedding_cache_hits_total", m, m.cache().hits()));
        header(out, "modelmanager_embedding_cache_misses_total", "counter", "Embedding cache misses.");
        status.models().stream().filter(m -> m.cache() != null)
            .forEach(m -> sample(out, "modelmanager_embedding_cache_misses_total", m, m.cache().misses()));
        header(out, "modelmanager_embedding_cache_entries", "gauge", "Vectors held in the embedding cache.");
        status.models().stream().filter(m -> m.cache() != null)
            .forEach(m -> sample(out, "modelmanager_embedding_cache_entries", m, m.cache().size()));
        header(out, "modelmanager_provider_models", "gauge", "Models each provider has loaded.");
        for (ProviderInfo p : status.providers()) {
            out.println("modelmanager_provider_models{provider=\"" + escape(p.name()) + "\"} " + p.models());
        }
        header(out, "modelmanager_device_memory_bytes", "gauge", "Memory of each device: total and free (-1 unknown).");
        for (dev.modelmanager.api.spi.DeviceInfo d : status.devices()) {
            out.println("modelmanager_device_memory_bytes{device=\"" + escape(d.id()) + "\",kind=\"total\"} "
                + d.totalMemoryBytes());
            out.println("modelmanager_device_memory_bytes{device=\"" + escape(d.id()) + "\",kind=\"free\"} "
                + d.freeMemoryBytes());
        }
        header(out, "modelmanager_memory_budget_bytes", "gauge", "The memory budget per device (-1 unlimited).");
        for (dev.modelmanager.api.MemoryUsage m : status.memory()) {
            out.println("modelmanager_memory_budget_bytes{device=\"" + escape(m.device()) + "\"} "
                + (m.unlimited() ? -1 : m.budgetBytes()));
        }
        header(out, "modelmanager_memory_reserved_bytes", "gauge", "Memory models hold per device.");
        for (dev.modelmanager.api.MemoryUsage m : status.memory()) {
            out.println("modelmanager_memory_reserved_bytes{device=\"" + escape(m.device()) + "\"} " + m.reservedBytes());
        }
        header(out, "modelmanager_http_requests_total", "counter", "HTTP requests answered, by face and status code.");
        for (Map.Entry<String, Long> e : http.snapshot().entrySet()) {
            String[] key = e.getKey().split(" ", 2);
            out.println("modelmanager_http_requests_total{face=\"" + key[0] + "\",code=\"" + key[1] + "\"} "
                + e.getValue());
        }
        out.flush();
    }

    /** One histogram's samples: cumulative buckets (the last one {@code +Inf}), the sum, and the count. */
    private static void histogram(PrintWriter out, String name, String labels, List<Double> bounds, List<Long> buckets,
                                  double sumSeconds) {
        for (int i = 0; i < bounds.size(); i++) {
            out.println(name + "_bucket{" + labels + ",le=\"" + bounds.get(i) + "\"} " + buckets.get(i));
        }
        long count = buckets.get(buckets.size() - 1);
        out.println(name + "_bucket{" + labels + ",le=\"+Inf\"} " + count);
        out.println(name + "_sum{" + labels + "} " + number(sumSeconds));
        out.println(name + "_count{" + labels + "} " + count);
    }

    private static void header(PrintWriter out, String name, String type, String help) {
        out.println("# HELP " + name + " " + help);
        out.println("# TYPE " + name + " " + type);
    }

    private static void sample(PrintWriter out, String name, ModelInfo m, double value) {
        out.println(name + "{" + labels(m) + "} " + number(value));
    }

    private static String labels(ModelInfo m) {
        return "model=\"" + escape(m.modelId()) + "\",model_type=\"" + m.modelType().id() + "\",provider=\""
            + escape(m.provider() == null ? "" : m.provider()) + "\"";
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
            : String.format(Locale.ROOT, "%.6f", value);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
