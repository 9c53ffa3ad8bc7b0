package dev.modelmanager.rest.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStats;

/** Statistics by provider, model type, status and capability, and what each model can be asked. */
final class Statistics {
    private Statistics() {
    }

    /** What a model of this type can be asked, and through which faces. */
    static List<String> capabilities(ModelInfo m) {
        List<String> c = new java.util.ArrayList<>(switch (m.modelType()) {
            case EMBEDDING -> List.of("embeddings", "zero_shot_classification", "similarity_search");
            case TEXT_GENERATION -> List.of("completion", "chat_completion", "streaming");
            case TEXT2TEXT -> List.of("text2text");
            case CLASSIFICATION -> List.of("classification");
        });
        if (m.cache() != null) {
            c.add("embedding_cache");
        }
        if (m.device() != null && m.device().startsWith("remote:")) {
            c.add("remote");
        }
        return c;
    }

    /**
     * What the loaded model shows about itself (its provider's facts, read from the model file): a chat template,
     * multi-label scores, beam search and sampling. Empty while it is not loaded.
     */
    static List<String> detected(ModelInfo m) {
        List<String> c = new java.util.ArrayList<>();
        Map<String, String> d = m.details();
        String template = d.get("chat.template");
        if (template != null && template.startsWith("from the model")) {
            c.add("chat_template");
        }
        if (d.getOrDefault("scores", "").contains("multi-label")) {
            c.add("multi_label");
        }
        if (d.getOrDefault("decoding", "").contains("beam search")) {
            c.add("beam_search");
        }
        if (d.getOrDefault("decoding", "").contains("sampling")) {
            c.add("sampling");
        }
        if (d.containsKey("labels")) {
            c.add("labels:" + d.get("labels"));
        }
        return c;
    }

    /** Totals by provider, model type and status (as in the statistics of 002), and per model. */
    static Map<String, Object> of(ManagerStatus status, dev.modelmanager.api.ModelCatalog catalog) {
        Map<String, ModelStats> byProvider = new TreeMap<>();
        Map<String, ModelStats> byType = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> byCapability = new TreeMap<>();
        ModelStats total = ModelStats.EMPTY;
        Map<String, Object> perModel = new TreeMap<>();
        for (ModelInfo m : status.models()) {
            byProvider.merge(m.provider() == null ? "none" : m.provider(), m.stats(), ModelStats::plus);
            byType.merge(m.modelType().id(), m.stats(), ModelStats::plus);
            byStatus.merge(m.status().name(), 1, Integer::sum);
            java.util.Set<String> caps = new java.util.TreeSet<>(capabilities(m));
            if (catalog != null) {
                catalog.find(m.name()).ifPresent(e -> caps.addAll(e.capabilities()));
            }
            caps.forEach(c -> byCapability.merge(c, 1, Integer::sum));
            total = total.plus(m.stats());
            perModel.put(m.modelId(), Views.stats(m.stats()));
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("total_models", status.registeredModels());
        v.put("loaded_models", status.loadedModels());
        v.put("totals", Views.stats(total));
        v.put("by_provider", view(byProvider));
        v.put("by_model_type", view(byType));
        v.put("by_status", byStatus);
        v.put("by_capability", byCapability);
        v.put("models", perModel);
        v.put("providers", status.providers().size());
        return v;
    }

    private static Map<String, Object> view(Map<String, ModelStats> stats) {
        Map<String, Object> v = new TreeMap<>();
        stats.forEach((k, s) -> v.put(k, Views.stats(s)));
        return v;
    }
}
