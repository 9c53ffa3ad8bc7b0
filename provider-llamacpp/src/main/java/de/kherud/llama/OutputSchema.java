package de.kherud.llama;

/**
 * Holds a completion to a JSON Schema ({@code json_schema} of llama.cpp's server task, which turns it into the
 * grammar every token is sampled under); java-llama.cpp 4.2.0 reads the key from the request but offers no setter
 * for it. Like {@link SlotPin}, this class sits in java-llama.cpp's package inside the provider bundle.
 */
public final class OutputSchema {
    private OutputSchema() {
    }

    /**
     * Constrains {@code params} to {@code schema}, a JSON object as text that the caller has checked is well-formed
     * JSON: it goes into the request as it is, and the native side cannot survive JSON it cannot parse.
     */
    public static InferenceParameters constrain(InferenceParameters params, String schema) {
        params.parameters.put("json_schema", schema);
        return params;
    }
}
