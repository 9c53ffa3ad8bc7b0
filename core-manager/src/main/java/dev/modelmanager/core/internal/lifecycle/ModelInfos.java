package dev.modelmanager.core.internal.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelStats;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.core.internal.cache.EmbeddingCache;
import dev.modelmanager.core.internal.exec.WorkerPool;
import dev.modelmanager.core.internal.source.SourceResolver;

/**
 * What a model looks like from outside: its {@link ModelInfo}, read from the entry's snapshot and its pool without
 * taking the entry's lock (the provider is asked for its memory and details on the caller's thread).
 */
public final class ModelInfos {
    private ModelInfos() {
    }

    /**
     * @param name       the id the model is asked by
     * @param otherNames the other ids naming the same model (it was registered under them with the same identity)
     */
    public static ModelInfo of(ModelEntry entry, String name, List<String> otherNames, boolean isDefault,
                               SourceResolver sources) {
        EntryState s = entry.state();
        ModelRequirement req = entry.requirement();
        WorkerPool pool = s.pool();
        EmbeddingCache embeddings = entry.cache();
        ModelStats stats = entry.stats();
        Map<String, String> details = pool == null ? Map.of() : details(pool);
        if (s.status() == ModelStatus.DOWNLOADING) {
            details = new TreeMap<>(details);
            details.putAll(downloadFigures(req, sources));
        }
        if (!otherNames.isEmpty() || pool != null && entry.warmupMillis() >= 0) {
            details = new TreeMap<>(details);
            if (!otherNames.isEmpty()) {
                details.put("shared.with", String.join(", ", otherNames));
            }
            if (pool != null && entry.warmupMillis() >= 0) {
                details.put("warmup.ms", Long.toString(entry.warmupMillis()));
            }
        }
        return new ModelInfo(name, req.modelType(), req.name(), req.source().describe(), s.status(), s.reason(),
            s.provider() == null ? null : s.provider().name(), entry.requesters(), isDefault,
            pool == null ? null : pool.device(), s.deviceNote(), pool == null ? 0 : pool.size(),
            pool == null ? 0 : pool.inFlight(), stats.requests(), stats.failures(), s.estimatedMemory(),
            pool == null ? -1 : pool.memoryBytes(), s.loadedAt(), entry.lastUsed(), req.priority(), req.pinned(),
            req.preloadWorkers(), s.status() == ModelStatus.DOWNLOADING ? progress(req, sources) : null,
            details, embeddings == null ? null : embeddings.stats(), stats,
            pool == null ? 0 : pool.queued());
    }

    private static String progress(ModelRequirement req, SourceResolver sources) {
        if (!(req.source() instanceof ModelSource.Hub hub)) {
            return null;
        }
        String prefix = hub.repository() + "/";
        String text = sources.hub().downloads().stream().filter(d -> d.file().startsWith(prefix))
            .map(d -> d.file().substring(prefix.length()) + " " + d).collect(Collectors.joining("; "));
        return text.isEmpty() ? "checking " + hub.describe() : text;
    }

    /**
     * The model's downloads summed: {@code download.bytes}, {@code download.total} (-1 unknown),
     * {@code download.rate} (bytes/s), {@code download.eta} (seconds, -1 unknown).
     */
    private static Map<String, String> downloadFigures(ModelRequirement req, SourceResolver sources) {
        if (!(req.source() instanceof ModelSource.Hub hub)) {
            return Map.of();
        }
        String prefix = hub.repository() + "/";
        long bytes = 0;
        long total = 0;
        double rate = 0;
        boolean unknown = false;
        for (dev.modelmanager.core.internal.source.DownloadProgress d : sources.hub().downloads()) {
            if (d.file().startsWith(prefix)) {
                bytes += d.bytes();
                rate += d.rate();
                unknown |= d.total() <= 0;
                total += Math.max(0, d.total());
            }
        }
        long eta = unknown || rate <= 0 ? -1 : (long) Math.ceil(Math.max(0, total - bytes) / rate);
        return Map.of("download.bytes", Long.toString(bytes), "download.total", Long.toString(unknown ? -1 : total),
            "download.rate", Long.toString((long) rate), "download.eta", Long.toString(eta));
    }

    private static Map<String, String> details(WorkerPool pool) {
        Map<String, String> all = new TreeMap<>(safeDetails(pool.model()));
        all.put("workers", pool.describe());
        String formats = responseFormats(pool.model());
        if (formats != null) {
            all.put(RESPONSE_FORMATS, formats);
        }
        return all;
    }

    /**
     * The detail that lists the shapes a loaded generation model holds its text to, as REST's {@code response_format}
     * types name them ({@code text, json_object, json_schema}).
     */
    public static final String RESPONSE_FORMATS = "response_formats";

    private static String responseFormats(LoadedModel model) {
        if (!(model instanceof dev.modelmanager.api.spi.GenerationModel)) {
            return null;
        }
        try {
            return model.responseFormats().stream().sorted().map(dev.modelmanager.api.ResponseFormat.Kind::type)
                .collect(Collectors.joining(", "));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, String> safeDetails(LoadedModel model) {
        try {
            Map<String, String> details = model.details();
            return details == null ? Map.of() : details;
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}
