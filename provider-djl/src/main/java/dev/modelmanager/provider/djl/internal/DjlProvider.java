package dev.modelmanager.provider.djl.internal;

import dev.modelmanager.api.annotation.ProvideModelTypes;
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
 * {@code onnx/*.onnx}) on ONNX Runtime (driven through its Java API) with the Hugging Face tokenizers of DJL, for
 * embedding, classification and text2text. Embedding models are run as their sentence-transformers files say
 * ({@link EmbeddingSpec}). Requirement options: {@code pooling} ({@code mean}, {@code cls}, {@code max},
 * {@code mean_sqrt_len}, {@code weightedmean}, {@code lasttoken}), {@code normalize}, {@code prompt_name} (the
 * default prompt), {@code batching} ({@code throughput} to batch a dynamically quantized model anyway, at the cost
 * of vectors that depend on their batch; {@code single} to run every text alone). Configuration (PID
 * {@value #PID}): the thread budget and batch limits of {@link OrtRuntime.Settings}.
 */
@ProvideModelTypes(provider = DjlProvider.NAME, value = {"embedding", "classification", "text2text"})
@Component(service = ModelProvider.class, configurationPid = DjlProvider.PID, property = {
    ModelManagerConstants.PROVIDER_NAME + "=djl",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=embedding",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=classification",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=text2text"
})
@org.osgi.service.metatype.annotations.Designate(ocd = DjlProvider.Config.class)
public final class DjlProvider implements ModelProvider {
    public static final String NAME = "djl";
    static final String PID = "dev.modelmanager.provider.djl";
    /** Input length when neither the requirement nor the model says (sentence-transformers' usual). */
    static final int DEFAULT_MAX_INPUT = 256;
    static final int DEFAULT_MAX_OUTPUT = 64;
    /** ONNX Runtime keeps roughly the weights plus working buffers. */
    static final double MEMORY_FACTOR = 1.5;

    /** The provider's configuration. */
    @org.osgi.service.metatype.annotations.ObjectClassDefinition(name = "Model manager: djl provider",
        description = "ONNX Runtime's thread budget and batch limits")
    public @interface Config {
        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "Cores the provider's runs use at "
            + "once on the CPU, for all its models together (0: all the machine has)")
        int threads() default 0;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "ONNX Runtime intra-op threads of "
            + "one run of a model that batches while runs share the cores (0: all of threads, one run at a time; "
            + "models that run each text alone use 1)")
        int threads_per_run() default 1;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "Models whose ONNX file is at most "
            + "this many MiB also keep a second session as wide as threads, for a run that finds the cores idle (a "
            + "lone caller); it holds a second copy of the weights. Larger models keep one session: as wide as "
            + "threads for models that batch, single-threaded runs for models that run each text alone. 0: no model "
            + "gets a second session")
        int wide_session_max_mb() default 1024;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "Single-threaded runs one core holds "
            + "at once (small graphs leave a core partly idle between kernels)")
        int runs_per_core() default 2;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "Runs at once on one GPU")
        int gpu_concurrency() default 2;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "On a GPU (the GPU build of ONNX "
            + "Runtime): a session's memory arena grows by what its runs ask for (arena_extend_strategy "
            + "kSameAsRequested); false: in doubling chunks (kNextPowerOfTwo: fewer allocations, more memory held)")
        boolean allow_gpu_growth() default true;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "MiB one session's arena may hold on "
            + "a GPU (ONNX Runtime's gpu_mem_limit); 0: no limit of its own (the manager's gpu.memory.fraction still "
            + "budgets the models)")
        int gpu_mem_limit_mb() default 0;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "Padded tokens one run may hold when "
            + "texts are batched (as text-embeddings-inference's max_batch_tokens)")
        int max_batch_tokens() default 8192;

        @org.osgi.service.metatype.annotations.AttributeDefinition(description = "Texts one run may hold")
        int max_batch_texts() default 32;
    }

    private final OrtRuntime runtime;
    private final SessionLayout layout;

    /** Outside a framework: the defaults of {@link OrtRuntime.Settings}. */
    public DjlProvider() {
        this(OrtRuntime.Settings.defaults());
    }

    /** With these settings (for tests and benchmarks). */
    public DjlProvider(int threads, int threadsPerRun, int maxBatchTokens, int maxBatchTexts, int wideSessionMaxMb,
                       int runsPerCore) {
        this(new OrtRuntime.Settings(threads, threadsPerRun, 2, maxBatchTokens, maxBatchTexts,
            (long) wideSessionMaxMb << 20, runsPerCore));
    }

    @org.osgi.service.component.annotations.Activate
    public DjlProvider(Config config) {
        this(new OrtRuntime.Settings(config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors(),
            config.threads_per_run(), config.gpu_concurrency(), config.max_batch_tokens(), config.max_batch_texts(),
            (long) config.wide_session_max_mb() << 20, config.runs_per_core()),
            new CudaSupport(config.allow_gpu_growth(), (long) config.gpu_mem_limit_mb() << 20));
    }

    /**
     * Keeps DJL offline and private before it is first used: no telemetry, no downloads, its cache in the manager's
     * data folder rather than the user's home, and the tokenizers' JNI library extracted into a folder of this
     * bundle revision's own: a JNI library loads into one class loader only, so an updated bundle (a new class
     * loader) must load its own copy instead of failing on the previous revision's file until the JVM restarts.
     */
    private DjlProvider(OrtRuntime.Settings settings) {
        this(settings, CudaSupport.DEFAULTS);
    }

    private DjlProvider(OrtRuntime.Settings settings, CudaSupport cuda) {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        String home = System.getProperty("modelmanager.home");
        if (System.getenv("DJL_CACHE_DIR") == null) {
            setIfAbsent("DJL_CACHE_DIR", home != null ? Path.of(home, "data", "djl").toString()
                : Path.of(System.getProperty("java.io.tmpdir"), "modelmanager-djl-" + System.getProperty("user.name")).toString());
        }
        NativeFolder.forThisRevision(DjlProvider.class).ifPresent(dir -> System.setProperty("ENGINE_CACHE_DIR", dir));
        this.runtime = new OrtRuntime(settings, cuda);
        this.layout = new SessionLayout(runtime);
    }

    /** Stops the compute threads; the manager has closed this provider's models by then. */
    @org.osgi.service.component.annotations.Deactivate
    public void close() {
        runtime.close();
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

    /**
     * The CPU; a CUDA GPU only with an ONNX Runtime build that has the CUDA execution provider (the bundled one has
     * not) and where it runs (CUDA and cuDNN libraries present, a driver new enough: {@link CudaSupport#problem}).
     */
    @Override
    public boolean runsOn(DeviceInfo device) {
        return !device.isGpu() || cannotRunOnReason(device) == null;
    }

    @Override
    public String cannotRunOnReason(DeviceInfo device) {
        if (!device.isGpu()) {
            return null;
        }
        int index = cudaIndex(device.id());
        return index < 0 ? "ONNX Runtime runs on CUDA GPUs only here, not on " + device.id()
            : runtime.cuda().problem(index);
    }

    /** N of {@code cuda:N} ({@code cuda}: 0), or -1 for any other device. */
    static int cudaIndex(String id) {
        if (id.equals("cuda")) {
            return 0;
        }
        if (!id.startsWith("cuda:")) {
            return -1;
        }
        try {
            return Integer.parseInt(id.substring("cuda:".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
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
            && (hub.quant() != null
                || hub.files().stream().anyMatch(f -> f.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")))) {
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
            default -> {
                List<FileRequest> files = new java.util.ArrayList<>(List.of(FileRequest.optional("config.json"),
                    FileRequest.required("tokenizer.json"), FileRequest.required("onnx/model.onnx")));
                EmbeddingSpec.FILES.forEach(f -> files.add(FileRequest.optional(f)));
                yield files;
            }
        };
    }

    /**
     * At registration: the JSON files parse, the tokenizer is one, each ONNX graph is a whole ONNX model that takes
     * token ids and is of the kind asked for ({@link DjlFiles}). Reads the graphs' structure, not their weights.
     */
    @Override
    public void validate(ModelRequirement requirement, ModelFiles files) {
        DjlFiles.check(null, requirement, files);
    }

    @Override
    public long estimateMemory(ModelRequirement requirement, DeviceInfo device) {
        return -1; // known once the files are local: see LoadedModel.memoryBytes()
    }

    @Override
    public LoadedModel load(LoadRequest request) throws Exception {
        ModelRequirement req = request.requirement();
        ModelFiles files = request.files();
        DjlFiles.Checked checked = DjlFiles.check(request.modelId(), req, files);
        ModelConfig config = checked.config();
        EmbeddingSpec spec = checked.spec();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("engine", "ONNX Runtime " + runtime.version() + " (tokenizers: DJL)");
        device(request.device(), details);
        int maxInput;
        if (req.maxInputLength() != null) {
            maxInput = req.maxInputLength();
            details.put("max.input.length", maxInput + " (requirement)");
        } else if (spec != null && spec.maxLength() != null) {
            maxInput = spec.maxLength();
            details.put("max.input.length", maxInput + " (" + spec.origins().get("max.input.length") + ")");
        } else {
            maxInput = Math.min(DEFAULT_MAX_INPUT * (req.modelType() == ModelType.EMBEDDING ? 1 : 2),
                config.integer("max_position_embeddings").orElse(Integer.MAX_VALUE));
            details.put("max.input.length", Integer.toString(maxInput));
        }
        config.text("model_type").ifPresent(t -> details.put("architecture", t));
        Tokens tokens = new Tokens(files.require("tokenizer.json"), maxInput, spec != null && spec.lowerCase(),
            req.modelType() == ModelType.EMBEDDING);
        try {
            return switch (req.modelType()) {
                case EMBEDDING -> embedder(req, files, tokens, spec, details);
                case CLASSIFICATION -> classifier(request, req, files, tokens, config, details);
                case TEXT2TEXT -> text2text(req, files, tokens, config, details);
                default -> throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), "unsupported type");
            };
        } catch (RuntimeException e) {
            tokens.close();
            throw e;
        }
    }

    private LoadedModel embedder(ModelRequirement req, ModelFiles files, Tokens tokens, EmbeddingSpec spec,
                                 Map<String, String> details) {
        Path onnx = files.require("onnx/model.onnx");
        details.put("pooling", spec.poolingName() + " (" + spec.origins().get("pooling") + ")");
        details.put("normalize", spec.normalize() + " (" + spec.origins().get("normalize") + ")");
        if (spec.lowerCase()) {
            details.put("lower.case", "true (" + spec.origins().get("lower.case") + ")");
        }
        if (!spec.prompts().isEmpty()) {
            details.put("prompts", String.join(", ", spec.prompts().keySet()) + " (" + spec.origins().get("prompts") + ")");
        }
        if (spec.defaultPrompt() != null) {
            details.put("prompt", spec.defaultPrompt() + " (" + spec.origins().get("prompt") + ")");
        }
        if (!spec.includePrompt()) {
            details.put("include.prompt", "false (the prompt's tokens are left out of pooling)");
        }
        boolean alone = layout.alone(req, onnx, details);
        OnnxModel model = layout.open(onnx, details, alone, tokens);
        try {
            return new DjlEmbedder(model, tokens, spec, alone, estimate(onnx) * model.sessions(), details);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private LoadedModel classifier(LoadRequest request, ModelRequirement req, ModelFiles files, Tokens tokens,
                                   ModelConfig config, Map<String, String> details) {
        Path onnx = files.require("onnx/model.onnx");
        List<String> labels = config.labels(); // checked against the requirement and the graph by DjlFiles
        details.put("labels", String.join(",", labels));
        details.put("scores", config.multiLabel() ? "sigmoid (multi-label)"
            : labels.size() == 1 ? "sigmoid (one logit: a relevance score)" : "softmax");
        boolean alone = layout.alone(req, onnx, details);
        OnnxModel model = layout.open(onnx, details, alone, tokens);
        return new DjlClassifier(model, tokens, labels, config.multiLabel(), alone, estimate(onnx) * model.sessions(),
            details);
    }

    private LoadedModel text2text(ModelRequirement req, ModelFiles files, Tokens tokens, ModelConfig config,
                                  Map<String, String> details) {
        Path encoder = files.require("onnx/encoder_model.onnx");
        Path decoder = files.require("onnx/decoder_model.onnx");
        long start = config.integer("decoder_start_token_id").orElse(config.integer("pad_token_id").orElse(0));
        long end = config.integer("eos_token_id").orElse(1);
        details.put("decoding", "greedy; beam search with num_beams; sampling with a temperature above 0");
        OnnxModel enc = new OnnxModel(runtime, encoder, details.get("device"), 1);
        try {
            return new DjlText2Text(enc, new OnnxModel(runtime, decoder, details.get("device"), 1), tokens, start, end,
                req.maxOutputLength() != null ? req.maxOutputLength() : DEFAULT_MAX_OUTPUT,
                Integer.parseInt(req.options().getOrDefault("num_beams", "1")),
                estimate(encoder) + estimate(decoder), details);
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }

    /**
     * The device to run on: the GPU the manager chose when ONNX Runtime's CUDA execution provider runs there, else
     * the CPU, with a note saying why (shown in the model's details). The manager offers a GPU only where
     * {@link #runsOn} said yes, so the note is for a caller that loads directly.
     */
    String device(DeviceInfo chosen, Map<String, String> details) {
        if (chosen != null && chosen.isGpu()) {
            String problem = cannotRunOnReason(chosen);
            if (problem == null) {
                String cuda = "cuda:" + cudaIndex(chosen.id());
                details.put("device", cuda);
                return cuda;
            }
            details.put("device.note", chosen.id() + " was chosen, but " + problem + ": running on cpu");
        }
        details.put("device", "cpu");
        return "cpu";
    }

    private static long estimate(Path onnx) {
        try {
            return (long) (Files.size(onnx) * MEMORY_FACTOR);
        } catch (IOException e) {
            return -1;
        }
    }
}
