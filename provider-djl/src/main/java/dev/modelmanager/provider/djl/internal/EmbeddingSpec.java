package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.ModelFiles;

/**
 * How a sentence-embedding model wants to be run, read from its own sentence-transformers files when it has them
 * (as {@code SentenceTransformer(...)} reads them) and overridden by the requirement's options:
 * <ul>
 * <li>{@code modules.json}: the Pooling module's folder, and whether a {@code Normalize} module follows;</li>
 * <li>{@code 1_Pooling/config.json} (or the folder modules.json names): the pooling modes, {@code include_prompt};</li>
 * <li>{@code sentence_bert_config.json}: {@code max_seq_length}, {@code do_lower_case};</li>
 * <li>{@code config_sentence_transformers.json}: named {@code prompts} and {@code default_prompt_name}.</li>
 * </ul>
 * Without those files: mean pooling, normalised, as the provider always did. Every choice keeps the file (or
 * option, or default) it came from, for the model's details.
 *
 * @param pooling        the modes, in order
 * @param normalize      L2-normalise the vector
 * @param maxLength      the longest input in tokens, or {@code null} to let the provider decide
 * @param lowerCase      lower-case texts before tokenizing
 * @param prompts        prompt name to the text put before the input
 * @param defaultPrompt  the prompt used when a call names none, or {@code null}
 * @param includePrompt  whether the prompt's tokens take part in pooling
 * @param origins        choice ({@code pooling}, {@code normalize}, ...) to where it came from
 */
record EmbeddingSpec(List<Pooling> pooling, boolean normalize, Integer maxLength, boolean lowerCase,
                     Map<String, String> prompts, String defaultPrompt, boolean includePrompt,
                     Map<String, String> origins) {

    static final String MODULES = "modules.json";
    static final String POOLING = "1_Pooling/config.json";
    static final String SBERT = "sentence_bert_config.json";
    static final String ST_CONFIG = "config_sentence_transformers.json";
    /** The files a Hub repository may carry, asked for as optional. */
    static final List<String> FILES = List.of(MODULES, POOLING, SBERT, ST_CONFIG);

    EmbeddingSpec {
        pooling = List.copyOf(pooling);
        prompts = Map.copyOf(prompts);
        origins = Map.copyOf(origins);
    }

    /** The spec from the model's files, then the requirement's options ({@code pooling}, {@code normalize}, ...). */
    static EmbeddingSpec read(ModelFiles files, Map<String, String> options) {
        Map<String, String> origins = new LinkedHashMap<>();
        List<Pooling> pooling = List.of(Pooling.MEAN);
        origins.put("pooling", "default");
        boolean normalize = true;
        origins.put("normalize", "default");
        boolean includePrompt = true;
        Integer maxLength = null;
        boolean lowerCase = false;
        Map<String, String> prompts = new LinkedHashMap<>();
        String defaultPrompt = null;

        Optional<JsonArray> modules = json(files, MODULES).filter(JsonElement::isJsonArray).map(JsonElement::getAsJsonArray);
        String poolingFile = POOLING;
        if (modules.isPresent()) {
            normalize = false;
            origins.put("normalize", MODULES);
            for (JsonElement m : modules.get()) {
                String type = text(m.getAsJsonObject(), "type").orElse("");
                if (type.endsWith(".Normalize")) {
                    normalize = true;
                } else if (type.endsWith(".Pooling")) {
                    String path = text(m.getAsJsonObject(), "path").orElse("1_Pooling");
                    poolingFile = (path.isEmpty() ? "" : path + "/") + "config.json";
                }
            }
        }
        Optional<JsonObject> poolingConfig = object(files, poolingFile);
        if (poolingConfig.isEmpty() && !poolingFile.equals(POOLING)) {
            poolingConfig = object(files, POOLING);
        }
        if (poolingConfig.isPresent()) {
            List<Pooling> modes = new ArrayList<>();
            for (Pooling p : Pooling.values()) {
                if (bool(poolingConfig.get(), p.configKey()).orElse(false)) {
                    modes.add(p);
                }
            }
            if (!modes.isEmpty()) {
                pooling = modes;
                origins.put("pooling", poolingFile);
            }
            includePrompt = bool(poolingConfig.get(), "include_prompt").orElse(true);
        }
        Optional<JsonObject> sbert = object(files, SBERT);
        if (sbert.isPresent()) {
            Optional<Integer> max = integer(sbert.get(), "max_seq_length");
            if (max.isPresent()) {
                maxLength = max.get();
                origins.put("max.input.length", SBERT);
            }
            lowerCase = bool(sbert.get(), "do_lower_case").orElse(false);
            if (lowerCase) {
                origins.put("lower.case", SBERT);
            }
        }
        Optional<JsonObject> st = object(files, ST_CONFIG);
        if (st.isPresent()) {
            JsonElement p = st.get().get("prompts");
            if (p != null && p.isJsonObject()) {
                p.getAsJsonObject().entrySet().forEach(e -> prompts.put(e.getKey(), e.getValue().getAsString()));
                origins.put("prompts", ST_CONFIG);
            }
            defaultPrompt = text(st.get(), "default_prompt_name").orElse(null);
        }

        String option = options.get("pooling");
        if (option != null) {
            List<Pooling> modes = new ArrayList<>();
            for (String name : option.split("[,+]")) {
                try {
                    modes.add(Pooling.of(name));
                } catch (IllegalArgumentException e) {
                    throw ModelException.invalidRequirement("option.pooling", e.getMessage());
                }
            }
            pooling = modes;
            origins.put("pooling", "option.pooling");
        }
        if (options.containsKey("normalize")) {
            normalize = !"false".equalsIgnoreCase(options.get("normalize"));
            origins.put("normalize", "option.normalize");
        }
        if (options.containsKey("prompt_name")) {
            defaultPrompt = options.get("prompt_name");
            origins.put("prompt", "option.prompt_name");
        } else if (defaultPrompt != null) {
            origins.put("prompt", ST_CONFIG);
        }
        if (defaultPrompt != null && !prompts.containsKey(defaultPrompt)) {
            throw ModelException.invalidRequirement("option.prompt_name", "the model has no prompt '" + defaultPrompt
                + "'" + (prompts.isEmpty() ? "" : "; it has " + String.join(", ", prompts.keySet())));
        }
        return new EmbeddingSpec(pooling, normalize, maxLength, lowerCase, prompts, defaultPrompt, includePrompt,
            origins);
    }

    /** The pooling modes as details write them, e.g. {@code cls} or {@code cls+mean}. */
    String poolingName() {
        return String.join("+", pooling.stream().map(Pooling::id).toList());
    }

    private static Optional<JsonElement> json(ModelFiles files, String path) {
        Optional<Path> file = files.file(path);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try (Reader reader = Files.newBufferedReader(file.get())) {
            return Optional.of(JsonParser.parseReader(reader));
        } catch (IOException | com.google.gson.JsonParseException | IllegalStateException e) {
            throw new ModelException(ErrorCode.INVALID_MODEL_FILE, null, "source", files.nameOf(file.get())
                + " is not valid JSON", e);
        }
    }

    private static Optional<JsonObject> object(ModelFiles files, String path) {
        return json(files, path).filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject);
    }

    private static Optional<String> text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsString());
    }

    private static Optional<Boolean> bool(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsBoolean());
    }

    private static Optional<Integer> integer(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsInt());
    }
}
