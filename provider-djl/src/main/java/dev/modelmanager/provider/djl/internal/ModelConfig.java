package dev.modelmanager.provider.djl.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** The parts of a Hugging Face {@code config.json} the provider uses; every field is optional. */
record ModelConfig(JsonObject json) {
    static final ModelConfig EMPTY = new ModelConfig(new JsonObject());

    Optional<Integer> integer(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsInt());
    }

    Optional<String> text(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsString());
    }

    /** The first of {@code architectures}, e.g. {@code BertForSequenceClassification}. */
    Optional<String> architecture() {
        JsonElement e = json.get("architectures");
        if (e != null && e.isJsonArray() && !e.getAsJsonArray().isEmpty() && e.getAsJsonArray().get(0).isJsonPrimitive()) {
            return Optional.of(e.getAsJsonArray().get(0).getAsString());
        }
        return Optional.empty();
    }

    /** Labels in index order, from {@code id2label}; empty when the config has none. */
    List<String> labels() {
        JsonElement e = json.get("id2label");
        if (e == null || !e.isJsonObject()) {
            return List.of();
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
            byIndex.put(Integer.parseInt(entry.getKey()), entry.getValue().getAsString());
        }
        return new ArrayList<>(byIndex.values());
    }

    boolean multiLabel() {
        return text("problem_type").map("multi_label_classification"::equals).orElse(false);
    }
}
