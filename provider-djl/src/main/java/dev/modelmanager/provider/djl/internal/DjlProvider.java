package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;

/**
 * The {@code djl} provider: models in the Hugging Face ONNX layout ({@code config.json}, {@code tokenizer.json},
 * {@code onnx/*.onnx}) on ONNX Runtime through DJL, for embedding, classification and text2text. Requirement
 * options: {@code pooling} ({@code mean} or {@code cls}, embeddings), {@code normalize} ({@code false} to keep raw
 * vectors).
 */
@Component(service = ModelProvider.class, property = {
    ModelManagerConstants.PROVIDER_NAME + "=djl",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=embedding",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=classification",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=text2text"
})
public final class DjlProvider implements ModelProvider {
    public static final String NAME = "djl";
    /** Input length when neither the requirement nor the model says (sentence-transformers' usual). */
    static final int DEFAULT_MAX_INPUT = 256;
    static final int DEFAULT_MAX_OUTPUT = 64;
    /** ONNX Runtime keeps roughly the weights plus working buffers. */
    static final double MEMORY_FACTOR = 1.5;

    /**
     * Keeps DJL offline and private before it is first used: no telemetry, no downloads, its cache (where the
     * tokenizers' JNI library is extracted) in the manager's data folder rather than the user's home.
     */
    @org.osgi.service.component.annotations.Activate
    public DjlProvider() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        String home = System.getProperty("modelmanager.home");
        if (System.getenv("DJL_CACHE_DIR") == null) {
            setIfAbsent("DJL_CACHE_DIR", home != null ? Path.of(home, "data", "djl").toString()
                : Path.of(System.getProperty("java.io.tmpdir"), "modelmanager-djl-" + System.getProperty("user.name")).toString());
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ModelType> modelTypes() {
        return Set.of(ModelType.EMBEDDING, ModelType.CLASSIFICATION, ModelType.TEXT2TEXT);
    }

    @Override
    public ProviderFit assess(ModelRequirement requirement) {
        if (!modelTypes().contains(requirement.modelType())) {
            return ProviderFit.unsupported("serves embedding, classification and text2text models only");
        }
        if (requirement.source() instanceof ModelSource.Remote) {
            return ProviderFit.unsupported("runs local ONNX files, not remote models");
        }
        if (requirement.source() instanceof ModelSource.Hub hub
            && hub.files().stream().anyMatch(f -> f.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf"))) {
            return ProviderFit.unsupported("a GGUF file is not an ONNX model");
        }
        return ProviderFit.supported(50);
    }

    @Override
    public List<FileRequest> files(ModelRequirement requirement) {
        if (requirement.source() instanceof ModelSource.Classpath) {
            return List.of(); // the resources name themselves
        }
        return switch (requirement.modelType()) {
            case TEXT2TEXT -> List.of(FileRequest.required("config.json"), FileRequest.required("tokenizer.json"),
                FileRequest.required("onnx/encoder_model.onnx"), FileRequest.required("onnx/decoder_model.onnx"));
            case CLASSIFICATION -> List.of(FileRequest.required("config.json"), FileRequest.required("tokenizer.json"),
                FileRequest.required("onnx/model.onnx"));
            default -> List.of(FileRequest.optional("config.json"), FileRequest.required("tokenizer.json"),
                FileRequest.required("onnx/model.onnx"));
        };
    }

    @Override
    public long estimateMemory(ModelRequirement requirement, DeviceInfo device) {
        return -1; // known once the files are local: see LoadedModel.memoryBytes()
    }

    @Override
    public LoadedModel load(LoadRequest request) throws Exception {
        ModelRequirement req = request.requirement();
        ModelFiles files = request.files();
        ModelConfig config;
        try {
            config = ModelConfig.read(files.file("config.json"));
        } catch (IOException e) {
            throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), "file", e.getMessage(), e);
        }
        int maxInput = req.maxInputLength() != null ? req.maxInputLength()
            : Math.min(DEFAULT_MAX_INPUT * (req.modelType() == ModelType.EMBEDDING ? 1 : 2),
                config.integer("max_position_embeddings").orElse(Integer.MAX_VALUE));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("engine", "OnnxRuntime (DJL)");
        device(request.device(), details);
        details.put("max.input.length", Integer.toString(maxInput));
        config.text("model_type").ifPresent(t -> details.put("architecture", t));
        Tokens tokens = new Tokens(files.require("tokenizer.json"), maxInput);
        try {
            return switch (req.modelType()) {
                case EMBEDDING -> embedder(req, files, tokens, details);
                case CLASSIFICATION -> classifier(request, req, files, tokens, config, details);
                case TEXT2TEXT -> text2text(req, files, tokens, config, details);
                default -> throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), "unsupported type");
            };
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
    }

    private LoadedModel embedder(ModelRequirement req, ModelFiles files, Tokens tokens, Map<String, String> details) {
        Path onnx = files.require("onnx/model.onnx");
        boolean cls = "cls".equalsIgnoreCase(req.options().getOrDefault("pooling", "mean"));
        boolean normalize = !"false".equalsIgnoreCase(req.options().getOrDefault("normalize", "true"));
        details.put("pooling", cls ? "cls" : "mean");
        details.put("normalize", Boolean.toString(normalize));
        return new DjlEmbedder(new OnnxModel(onnx, deviceOf(details)), tokens, cls, normalize, estimate(onnx), details);
    }

    private LoadedModel classifier(LoadRequest request, ModelRequirement req, ModelFiles files, Tokens tokens,
                                   ModelConfig config, Map<String, String> details) {
        Path onnx = files.require("onnx/model.onnx");
        List<String> labels = config.labels();
        if (req.numLabels() != null && !labels.isEmpty() && req.numLabels() != labels.size()) {
            throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), "num_labels", "the requirement says num_labels "
                + req.numLabels() + " but config.json has " + labels.size() + " labels " + labels, null);
        }
        details.put("labels", String.join(",", labels));
        details.put("scores", config.multiLabel() ? "sigmoid (multi-label)" : "softmax");
        return new DjlClassifier(new OnnxModel(onnx, deviceOf(details)), tokens, labels, config.multiLabel(), estimate(onnx),
            details);
    }

    private LoadedModel text2text(ModelRequirement req, ModelFiles files, Tokens tokens, ModelConfig config,
                                  Map<String, String> details) {
        Path encoder = files.require("onnx/encoder_model.onnx");
        Path decoder = files.require("onnx/decoder_model.onnx");
        long start = config.integer("decoder_start_token_id").orElse(config.integer("pad_token_id").orElse(0));
        long end = config.integer("eos_token_id").orElse(1);
        details.put("decoding", "greedy; beam search with num_beams; sampling with a temperature above 0");
        OnnxModel enc = new OnnxModel(encoder, deviceOf(details));
        try {
            return new DjlText2Text(enc, new OnnxModel(decoder, deviceOf(details)), tokens, start, end,
                req.maxOutputLength() != null ? req.maxOutputLength() : DEFAULT_MAX_OUTPUT,
                Integer.parseInt(req.options().getOrDefault("num_beams", "1")),
                estimate(encoder) + estimate(decoder), details);
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }

    /**
     * The device to run on: the GPU the manager chose when this ONNX Runtime build has the CUDA execution
     * provider, else the CPU, with a note saying why (shown in the model's details).
     */
    static ai.djl.Device device(DeviceInfo chosen, Map<String, String> details) {
        if (chosen != null && chosen.isGpu()) {
            int index = chosen.id().contains(":") ? Integer.parseInt(chosen.id().substring(chosen.id().indexOf(':') + 1)) : 0;
            if (cudaAvailable()) {
                details.put("device", "cuda:" + index);
                return ai.djl.Device.gpu(index);
            }
            details.put("device.note", chosen.id() + " was chosen, but this ONNX Runtime build has no CUDA execution "
                + "provider (the bundled one is the CPU build): running on cpu");
        }
        details.put("device", "cpu");
        return ai.djl.Device.cpu();
    }

    private static ai.djl.Device deviceOf(Map<String, String> details) {
        String device = details.get("device");
        return device.startsWith("cuda:") ? ai.djl.Device.gpu(Integer.parseInt(device.substring(5))) : ai.djl.Device.cpu();
    }

    private static boolean cudaAvailable() {
        try {
            return OnnxModel.withBundleLoader(() -> ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                .contains(ai.onnxruntime.OrtProvider.CUDA));
        } catch (Exception | LinkageError e) {
            return false;
        }
    }

    private static long estimate(Path onnx) {
        try {
            return (long) (Files.size(onnx) * MEMORY_FACTOR);
        } catch (IOException e) {
            return -1;
        }
    }
}
