package dev.modelmanager.core.internal.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * The GGUF file of a quantization among a repository's files, as Ollama's {@code hf.co/<repo>:<quant>} picks it: a
 * {@code .gguf} file whose name carries the tag as a word ({@code qwen2.5-0.5b-instruct-q4_k_m.gguf},
 * {@code Q4_K_M/model-Q4_K_M-00001-of-00002.gguf}), case-insensitive. A model split into parts
 * ({@code -00001-of-00003.gguf}) answers every part, first part first. Projector files ({@code mmproj}) are never it.
 */
final class GgufQuant {
    private static final Pattern SPLIT = Pattern.compile("(?i)^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$");
    /** Quantization tags as they appear in GGUF file names. */
    private static final Pattern TAG = Pattern.compile(
        "(?i)(?<![a-z0-9])(I?Q\\d(?:_[A-Z0-9]+)*|BF16|F16|F32|FP16|FP32)(?![a-z0-9])");

    private GgufQuant() {
    }

    /**
     * @throws ModelException {@link ErrorCode#SOURCE_UNAVAILABLE} when no file, several different models, or an
     *                        incomplete split match, naming the quantizations the repository has
     */
    static List<String> pick(String repository, String quant, List<String> files) {
        String wanted = quant.toLowerCase(Locale.ROOT);
        Pattern word = Pattern.compile("(?i)(?<![a-z0-9])" + Pattern.quote(wanted) + "(?![a-z0-9_])");
        Map<String, List<String>> models = new TreeMap<>();
        for (String file : files) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.endsWith(".gguf") || lower.contains("mmproj") || !word.matcher(file).find()) {
                continue;
            }
            Matcher split = SPLIT.matcher(file);
            String model = split.matches() ? split.group(1) : file;
            models.computeIfAbsent(model, m -> new ArrayList<>()).add(file);
        }
        if (models.isEmpty()) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "quant: " + repository + " has no GGUF file of "
                + "quantization " + quant + "; it has " + available(files));
        }
        if (models.size() > 1) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "quant: several GGUF models of " + repository
                + " are " + quant + " (" + String.join(", ", models.keySet()) + "); name the file with files=");
        }
        List<String> parts = models.values().iterator().next();
        parts.sort(null);
        Matcher first = SPLIT.matcher(parts.get(0));
        if (first.matches()) {
            int count = Integer.parseInt(first.group(3));
            if (parts.size() != count) {
                throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "quant: " + repository + " has "
                    + parts.size() + " of the " + count + " parts of " + first.group(1) + " (" + String.join(", ", parts)
                    + ")");
            }
        }
        return List.copyOf(parts);
    }

    /** The quantizations the repository's GGUF files carry, for the error. */
    private static String available(List<String> files) {
        TreeSet<String> tags = new TreeSet<>();
        int gguf = 0;
        for (String file : files) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            if (!name.toLowerCase(Locale.ROOT).endsWith(".gguf") || name.toLowerCase(Locale.ROOT).contains("mmproj")) {
                continue;
            }
            gguf++;
            Matcher m = TAG.matcher(name.substring(0, name.length() - 5));
            String last = null;
            while (m.find()) {
                last = m.group(1).toUpperCase(Locale.ROOT);
            }
            if (last != null) {
                tags.add(last);
            }
        }
        if (gguf == 0) {
            return "no GGUF file at all (" + files.size() + " files)";
        }
        return tags.isEmpty() ? gguf + " GGUF file(s) without a quantization in their names"
            : "the quantizations " + String.join(", ", tags);
    }
}
