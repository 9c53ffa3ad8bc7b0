package dev.modelmanager.provider.remote.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.TextPair;

/**
 * The KServe Open Inference Protocol v2 over REST (Triton, KServe, Seldon MLServer, OpenVINO Model Server):
 * loading checks {@code GET /v2/health/ready} and {@code GET /v2/models/{m}/ready}, then reads the metadata
 * {@code GET /v2/models/{m}} to pick the tensors; {@code POST /v2/models/{m}/infer} sends the texts as a
 * {@code BYTES} tensor and reads one floating point output of shape {@code [n, width]}: an embedding model's
 * vectors, or a classifier's scores (label names from option {@code labels}). Discovery asks the repository index
 * ({@code POST /v2/repository/index}), else {@code GET /v2/models}; a server with neither lists nothing, and the
 * configured models are used as they are. A call of more texts than the model's batch limit (option
 * {@code max_batch_size}, else Triton's model configuration) is sent in slices of that many, their rows joined in
 * order. See {@link KServeModel} for the options.
 */
final class KServeProtocol extends Protocol {
    private volatile KServeModel spec;
    /** The most texts one {@code /infer} carries; 0: no limit. */
    private volatile int maxBatch;

    KServeProtocol(RemoteEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    Set<ModelType> modelTypes() {
        return Set.of(ModelType.EMBEDDING, ModelType.CLASSIFICATION);
    }

    /** Best effort: the repository index, else the model list some servers offer, else nothing. */
    @Override
    List<String> models(String modelId) {
        Set<String> names = new LinkedHashSet<>();
        try {
            JsonNode index = endpoint.json("POST", "/v2/repository/index", RemoteEndpoint.JSON.createObjectNode(),
                modelId);
            for (JsonNode m : index) {
                String state = m.path("state").asText("READY");
                if (m.path("name").isTextual() && (state.isEmpty() || state.equalsIgnoreCase("READY"))) {
                    names.add(m.path("name").asText());
                }
            }
            return List.copyOf(names);
        } catch (ModelException noIndex) {
            unreachable(noIndex); // else: not every server has the repository extension
        }
        try {
            endpoint.json("GET", "/v2/models", null, modelId).path("models").forEach(m -> names.add(
                m.isTextual() ? m.asText() : m.path("name").asText()));
        } catch (ModelException noList) {
            unreachable(noList); // else: only the configured models are known
        }
        names.remove("");
        return List.copyOf(names);
    }

    /** Discovery is best effort about what a server offers, not about whether it can be reached. */
    private static void unreachable(ModelException e) {
        if (e.getCause() instanceof java.io.IOException || e.code() == ErrorCode.TIMEOUT
            || e.code() == ErrorCode.OVERLOADED || e.code() == ErrorCode.CANCELLED) {
            throw e;
        }
    }

    static String path(String model, String version) {
        return "/v2/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
            + (version == null || version.isBlank() ? "" : "/versions/"
            + URLEncoder.encode(version.strip(), StandardCharsets.UTF_8));
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelType type) {
        return load(modelId, model, ModelRequirement.builder(type, model).build());
    }

    @Override
    Map<String, String> load(String modelId, String model, ModelRequirement requirement) {
        String path = path(model, requirement.options().get(KServeModel.VERSION));
        ready(modelId, "/v2/health/ready", "the server is not ready");
        ready(modelId, path + "/ready", "model '" + model + "' is not ready");
        JsonNode metadata = endpoint.json("GET", path, null, modelId);
        KServeModel s = KServeModel.from(metadata, requirement, path, modelId, endpoint.name());
        int batch = maxBatch(modelId, path, requirement);
        spec = s;
        maxBatch = batch;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("kserve.max_batch_size", batch == 0 ? "none" : Integer.toString(batch));
        facts.put("kserve.input", s.input() + " " + Tensors.text(s.inputShape()));
        if (s.pairInput() != null) {
            facts.put("kserve.input.pair", s.pairInput());
        }
        facts.put("kserve.output", s.output());
        if (metadata.path("platform").isTextual()) {
            facts.put("kserve.platform", metadata.path("platform").asText());
        }
        if (requirement.modelType() == ModelType.CLASSIFICATION) {
            facts.put("kserve.scores", s.scores().name().toLowerCase(Locale.ROOT));
            facts.put("kserve.labels", s.labels().isEmpty() ? "(LABEL_<i>)" : String.join(",", s.labels()));
        }
        return facts;
    }

    /**
     * The option {@code max_batch_size}, else the {@code max_batch_size} of Triton's model configuration (the
     * {@code /config} extension; other servers answer 404 and set no limit), else 0: no limit.
     */
    private int maxBatch(String modelId, String path, ModelRequirement requirement) {
        String option = requirement.options().get(KServeModel.MAX_BATCH);
        if (option != null) {
            try {
                int n = Integer.parseInt(option.strip());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw ModelException.invalidRequirement("option." + KServeModel.MAX_BATCH, "must be a whole number >= 0 "
                + "(0: no limit), was " + option);
        }
        try {
            return Math.max(0, endpoint.json("GET", path + "/config", null, modelId).path("max_batch_size").asInt(0));
        } catch (ModelException noConfig) {
            unreachable(noConfig); // else: the server has no configuration extension
            return 0;
        }
    }

    /** Runs {@code call} on slices of at most {@link #maxBatch} items, joining the answers in order. */
    private <T, R> List<R> sliced(List<T> items, java.util.function.Function<List<T>, List<R>> call) {
        int limit = maxBatch;
        if (limit <= 0 || items.size() <= limit) {
            return call.apply(items);
        }
        List<R> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += limit) {
            out.addAll(call.apply(items.subList(from, Math.min(items.size(), from + limit))));
        }
        return out;
    }

    /** A readiness check: any 2xx is ready unless its body says {@code "ready": false}. */
    private void ready(String modelId, String path, String what) {
        JsonNode answer;
        try (RemoteEndpoint.Response response = endpoint.call("GET", path, null, modelId)) {
            byte[] body = response.body().readAllBytes();
            answer = body.length == 0 ? RemoteEndpoint.JSON.createObjectNode() : RemoteEndpoint.JSON.readTree(body);
        } catch (java.io.IOException e) {
            answer = RemoteEndpoint.JSON.createObjectNode();
        } catch (ModelException e) {
            if (e.code() == ErrorCode.TIMEOUT || e.code() == ErrorCode.OVERLOADED || e.code() == ErrorCode.CANCELLED) {
                throw e;
            }
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "endpoint '" + endpoint.name() + "': " + what
                + " (" + e.reason() + ")", e);
        }
        if (answer.path("ready").isBoolean() && !answer.path("ready").asBoolean()) {
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "endpoint '" + endpoint.name() + "': " + what);
        }
    }

    private KServeModel loaded(String modelId) {
        KServeModel s = spec;
        if (s == null) {
            throw new ModelException(ErrorCode.NOT_LOADED, modelId, "the KServe model was not loaded");
        }
        return s;
    }

    /** Sends the texts (and the pairs' second texts) and reads the output as {@code [n, width]}. */
    private Tensors.Matrix infer(String modelId, KServeModel s, List<String> texts, List<String> second, int width) {
        ObjectNode body = RemoteEndpoint.JSON.createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        bytes(inputs, s.input(), s.inputShape(), texts);
        if (second != null) {
            bytes(inputs, s.pairInput(), s.inputShape(), second);
        }
        body.putArray("outputs").addObject().put("name", s.output());
        JsonNode answer = endpoint.json("POST", s.path() + "/infer", body, modelId);
        return Tensors.matrix(Tensors.output(answer, s.output(), modelId, endpoint.name()), texts.size(), width,
            modelId, endpoint.name());
    }

    private static void bytes(ArrayNode inputs, String name, long[] declared, List<String> texts) {
        ObjectNode tensor = inputs.addObject().put("name", name);
        ArrayNode shape = tensor.putArray("shape").add(texts.size());
        if (declared.length == 2) {
            shape.add(1);
        }
        tensor.put("datatype", "BYTES");
        ArrayNode data = tensor.putArray("data");
        texts.forEach(data::add);
    }

    @Override
    List<float[]> embed(String modelId, String model, List<String> texts) {
        KServeModel s = loaded(modelId);
        return sliced(texts, part -> List.of(infer(modelId, s, part, null, s.width()).values()));
    }

    @Override
    List<List<LabelScore>> classify(String modelId, String model, List<String> texts) {
        KServeModel s = loaded(modelId);
        return sliced(texts, part -> s.scores(infer(modelId, s, part, null, s.width()), modelId, endpoint.name()));
    }

    @Override
    List<List<LabelScore>> classifyPairs(String modelId, String model, List<TextPair> pairs) {
        KServeModel s = loaded(modelId);
        if (s.pairInput() == null) {
            throw new ModelException(ErrorCode.CAPABILITY_MISSING, modelId, "model '" + model + "' on endpoint '"
                + endpoint.name() + "' has one BYTES input, so it cannot read text pairs (set option "
                + KServeModel.PAIR_INPUT + " to the second input's name)");
        }
        return sliced(pairs, part -> {
            List<String> first = new ArrayList<>(part.size());
            List<String> second = new ArrayList<>(part.size());
            part.forEach(p -> {
                first.add(p.text());
                second.add(p.textPair());
            });
            return s.scores(infer(modelId, s, first, second, s.width()), modelId, endpoint.name());
        });
    }
}
