package dev.modelmanager.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-call generation settings. A {@code null} field takes the model's requirement default, then the model's own.
 *
 * @param maxOutputLength most tokens to generate, > 0
 * @param temperature     sampling temperature, >= 0 (0 = greedy)
 * @param topK            top-k cut-off, >= 0 (0 = off)
 * @param topP            nucleus mass in (0, 1]
 * @param seed            random seed for reproducible sampling
 * @param stop            strings that end generation when produced (not included in the output)
 * @param extra           provider-specific settings
 * @param responseFormat  the shape the text must have ({@code null}: free text); a model that cannot hold to it
 *                        refuses the call ({@link ErrorCode#CAPABILITY_MISSING}, field {@code response_format})
 */
public record GenerationOptions(Integer maxOutputLength, Double temperature, Integer topK, Double topP, Long seed,
                                List<String> stop, Map<String, String> extra, ResponseFormat responseFormat) {
    /** No per-call settings. */
    public static final GenerationOptions DEFAULTS = new GenerationOptions(null, null, null, null, null, null, null);

    /** Options for free text. */
    public GenerationOptions(Integer maxOutputLength, Double temperature, Integer topK, Double topP, Long seed,
                             List<String> stop, Map<String, String> extra) {
        this(maxOutputLength, temperature, topK, topP, seed, stop, extra, null);
    }

    public GenerationOptions {
        if (maxOutputLength != null && maxOutputLength <= 0) {
            throw ModelException.invalidInput(null, "max_output_length", "must be > 0, was " + maxOutputLength);
        }
        if (temperature != null && (!Double.isFinite(temperature) || temperature < 0)) {
            throw ModelException.invalidInput(null, "temperature", "must be a finite number >= 0, was " + temperature);
        }
        if (topK != null && topK < 0) {
            throw ModelException.invalidInput(null, "top_k", "must be >= 0, was " + topK);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw ModelException.invalidInput(null, "top_p", "must be in (0, 1], was " + topP);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw ModelException.invalidInput(null, "stop", "stop strings must not be empty");
        }
        extra = extra == null ? Map.of() : Map.copyOf(new TreeMap<>(extra));
        responseFormat = responseFormat == null || responseFormat.kind() == ResponseFormat.Kind.TEXT ? null
            : responseFormat;
    }

    /** The shape the text must have: {@link ResponseFormat#TEXT} unless the call asked for another. */
    public ResponseFormat format() {
        return responseFormat == null ? ResponseFormat.TEXT : responseFormat;
    }

    /** Fills the fields this call left open from the requirement's defaults. */
    public GenerationOptions withDefaults(ModelRequirement requirement) {
        return new GenerationOptions(
            maxOutputLength != null ? maxOutputLength : requirement.maxOutputLength(),
            temperature != null ? temperature : requirement.temperature(),
            topK != null ? topK : requirement.topK(),
            topP != null ? topP : requirement.topP(),
            seed, stop, extra, responseFormat);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link GenerationOptions}; values are checked by {@link #build()}. */
    public static final class Builder {
        private Integer maxOutputLength;
        private Double temperature;
        private Integer topK;
        private Double topP;
        private Long seed;
        private List<String> stop = List.of();
        private final Map<String, String> extra = new TreeMap<>();
        private ResponseFormat responseFormat;

        private Builder() {
        }

        public Builder maxOutputLength(Integer value) { this.maxOutputLength = value; return this; }
        public Builder temperature(Double value) { this.temperature = value; return this; }
        public Builder topK(Integer value) { this.topK = value; return this; }
        public Builder topP(Double value) { this.topP = value; return this; }
        public Builder seed(Long value) { this.seed = value; return this; }
        public Builder stop(List<String> value) { this.stop = value; return this; }
        public Builder extra(String key, String value) { this.extra.put(key, value); return this; }
        public Builder responseFormat(ResponseFormat value) { this.responseFormat = value; return this; }

        public GenerationOptions build() {
            return new GenerationOptions(maxOutputLength, temperature, topK, topP, seed, stop, extra, responseFormat);
        }
    }
}
