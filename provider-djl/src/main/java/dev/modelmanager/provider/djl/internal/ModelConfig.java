package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The parts of a Hugging Face {@code config.json} the provider uses; every field is optional. */
record ModelConfig(JsonObject json) {
    static final ModelConfig EMPTY = new ModelConfig(new JsonObject());

    static ModelConfig read(Optional<Path> file) throws IOException {
        if (file.isEmpty()) {
            return EMPTY;
        }
        try (Reader reader = Files.newBufferedReader(file.get())) {
            JsonElement parsed = JsonParser.parseReader(reader);
            if (!parsed.isJsonObject()) {
                throw new IOException(file.get() + " is not a JSON object");
            }
            return new ModelConfig(parsed.getAsJsonObject());
        } catch (com.google.gson.JsonParseException e) {
            throw new IOException(file.get() + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    Optional<Integer> integer(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsInt());
    }

    Optional<String> text(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsString());
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
