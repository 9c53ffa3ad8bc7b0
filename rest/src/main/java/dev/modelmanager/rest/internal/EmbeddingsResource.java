package dev.modelmanager.rest.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.Embedding;
import dev.modelmanager.api.EmbeddingOptions;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManager;

/**
 * {@code POST /v1/embeddings}, as OpenAI's: float or base64 vectors, {@code dimensions} checked, {@code usage} the
 * tokens the model reads of the inputs (0 where the provider cannot tell); and, as text-embeddings-inference takes
 * them, {@code prompt_name} (the model's named prompt before each input) and {@code truncate} ({@code false}: an
 * input longer than the model reads is refused, naming {@code input[i]}, instead of embedded by its start). Truncated
 * inputs are listed in {@code truncated_inputs} and counted in the {@value #TRUNCATED_HEADER} header, where the
 * provider can tell; OpenAI's clients ignore both.
 */
final class EmbeddingsResource {
    /** How many inputs the model read only the start of. */
    static final String TRUNCATED_HEADER = "X-Truncated-Inputs";

    private final ModelManager manager;

    EmbeddingsResource(ModelManager manager) {
        this.manager = manager;
    }

    void addTo(Routes routes) {
        routes.add("POST", "embeddings", this::embeddings);
    }

    /** What an embeddings request may hold ({@code user} is taken without effect). */
    private static final java.util.Set<String> FIELDS = java.util.Set.of("model", "input", "encoding_format",
        "dimensions", "prompt_name", "truncate", "user");

    private void embeddings(Routes.Exchange x) throws IOException {
        ObjectNode body = x.body();
        OpenAiFormat.onlyKnown(body, FIELDS);
        String model = Json.text(body, "model", true);
        List<String> input = Json.texts(body, "input");
        if (input == null || input.isEmpty()) {
            throw ApiError.badRequest("input", "input: is required (a string or an array of strings)");
        }
        String format = Json.text(body, "encoding_format", false);
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ApiError.badRequest("encoding_format", "encoding_format: must be float or base64, was " + format);
        }
        Integer dimensions = Json.integer(body, "dimensions");
        String prompt = Json.text(body, "prompt_name", false);
        Boolean truncate = body.hasNonNull("truncate") ? Json.bool(body, "truncate", true) : null;
        EmbeddingResult result;
        try {
            // A client that leaves cancels what of its texts has not run yet.
            result = ClientGone.await(x.request(), x.response(),
                ClientTurns.of(manager, x.request()).embedAsync(model, input, new EmbeddingOptions(prompt, truncate))
                    .toCompletableFuture());
        } catch (ModelException e) {
            throw asInput(e);
        }
        List<Map<String, Object>> data = new ArrayList<>(result.embeddings().size());
        for (int i = 0; i < result.embeddings().size(); i++) {
            Embedding e = result.embeddings().get(i);
            if (dimensions != null && dimensions != e.vector().length) {
                throw ApiError.badRequest("dimensions", "dimensions: this model gives " + e.vector().length
                    + " dimensions and cannot shorten them, asked " + dimensions);
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("object", "embedding");
            item.put("index", i);
            item.put("embedding", "base64".equals(format) ? base64(e.vector()) : e.vector());
            data.add(item);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "list");
        v.put("data", data);
        v.put("model", result.modelId());
        // Clients expect numbers: 0 where the provider cannot tell.
        long tokens = Math.max(0, result.totalTokens());
        v.put("usage", Map.of("prompt_tokens", tokens, "total_tokens", tokens));
        if (result.truncationKnown()) {
            v.put("truncated_inputs", result.truncatedIndices());
            x.response().setHeader(TRUNCATED_HEADER, Integer.toString(result.truncatedCount()));
        }
        x.write(200, v);
    }

    /** The manager names the texts {@code texts[i]}; this request names them {@code input[i]}. */
    private static ModelException asInput(ModelException e) {
        String field = e.field();
        if (field == null || !field.startsWith("texts")) {
            return e;
        }
        String reason = e.reason().startsWith("texts") ? "input" + e.reason().substring("texts".length()) : e.reason();
        return new ModelException(e.code(), e.modelId(), "input" + field.substring("texts".length()), reason, e);
    }

    private static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
            buffer.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
