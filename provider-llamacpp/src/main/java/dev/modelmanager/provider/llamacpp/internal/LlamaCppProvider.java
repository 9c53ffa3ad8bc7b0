package dev.modelmanager.provider.llamacpp.internal;

import dev.modelmanager.api.annotation.ProvideModelTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.PoolingType;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.LoadRequest;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.ModelFiles;
import dev.modelmanager.api.spi.ModelProvider;
import dev.modelmanager.api.spi.ProviderFit;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;
import dev.modelmanager.provider.llamacpp.gguf.GgufReader;

/**
 * The {@code llamacpp} provider: GGUF models in-process through java-llama.cpp, for text generation (with chat and
 * streaming) and embeddings. Requirement options: {@code n_ctx} (context per slot), {@code n_parallel} (slots),
 * {@code n_threads}, {@code n_threads_batch}, {@code n_gpu_layers}, {@code main_gpu}, {@code tensor_split} (on a GPU: {@link GpuOffload}),
 * {@code pooling} ({@code cls}, {@code last}, {@code mean}, {@code none}).
 */
@ProvideModelTypes(provider = LlamaCppProvider.NAME, value = {"text_generation", "embedding"})
@Component(service = ModelProvider.class, configurationPid = "dev.modelmanager.provider.llamacpp", property = {
    ModelManagerConstants.PROVIDER_NAME + "=llamacpp",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=text_generation",
    ModelManagerConstants.PROVIDER_MODEL_TYPES + "=embedding"
})
@Designate(ocd = LlamaCppConfig.class)
public final class LlamaCppProvider implements ModelProvider {
    private static final Logger LOG = LoggerFactory.getLogger(LlamaCppProvider.class);
    public static final String NAME = "llamacpp";

    private final LlamaCppSettings settings;
    private final String unavailable;
    private final NativeModelPool pool;
    private final Map<NativeModelPool.Key, Long> measuredByKey = new java.util.concurrent.ConcurrentHashMap<>();

    @Activate
    public LlamaCppProvider(LlamaCppConfig config) {
        this(LlamaCppSettings.from(config));
    }

    public LlamaCppProvider(LlamaCppSettings settings) {
        this.settings = settings;
        this.unavailable = LlamaNatives.load(settings);
        this.pool = new NativeModelPool(settings.parkedInstances());
    }

    /** Closes the parked models: the provider is going away. */
    @org.osgi.service.component.annotations.Deactivate
    public void deactivate() {
        pool.closeAll();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ModelType> modelTypes() {
        return Set.of(ModelType.TEXT_GENERATION, ModelType.EMBEDDING);
    }

    /**
     * The CPU; a GPU only with a llama.cpp library of one's own ({@code native.library.path}): the bundled one is a
     * CPU build.
     */
    @Override
    public boolean runsOn(DeviceInfo device) {
        return !device.isGpu() || cannotRunOnReason(device) == null;
    }

    /**
     * None on the CPU; on a CUDA GPU, none when {@code native.library.path} holds a CUDA build of llama.cpp
     * ({@link CudaNative}); otherwise why not.
     */
    @Override
    public String cannotRunOnReason(DeviceInfo device) {
        return gpuReason(settings, device);
    }

    /** {@link #cannotRunOnReason} for these settings. */
    static String gpuReason(LlamaCppSettings settings, DeviceInfo device) {
        if (!device.isGpu()) {
            return null;
        }
        if (!device.id().equals("cuda") && !device.id().startsWith("cuda:")) {
            return "llama.cpp runs on CUDA GPUs only here, not on " + device.id();
        }
        if (LlamaNatives.bundledCpuOnly(settings)) {
            return "the bundled llama.cpp is a CPU build; set native.library.path to a folder with a CUDA build of "
                + "libjllama (see the provider's README)";
        }
        return CudaNative.in(settings.nativeLibraryPath()) ? null : "the llama.cpp library in "
            + settings.nativeLibraryPath() + " has no CUDA backend (no libggml-cuda beside it, no ggml_backend_cuda in "
            + "it)";
    }

    @Override
    public String unavailableReason() {
        return unavailable;
    }

    @Override
    public ProviderFit assess(ModelRequirement requirement) {
        if (unavailable != null) {
            return ProviderFit.unsupported(unavailable);
        }
        if (!modelTypes().contains(requirement.modelType())) {
            return ProviderFit.unsupported("serves text_generation and embedding models only");
        }
        boolean named = NAME.equals(requirement.provider());
        boolean gguf = ggufName(requirement.source()).isPresent();
        if (!gguf && !named) {
            return ProviderFit.unsupported("the source names no .gguf file");
        }
        return ProviderFit.supported(gguf ? 60 : 40);
    }

    private static Optional<String> ggufName(ModelSource source) {
        String name = null;
        if (source instanceof ModelSource.Hub hub && hub.quant() != null) {
            name = hub.repository() + ":" + hub.quant() + ".gguf"; // a quantization names a GGUF file
        } else if (source instanceof ModelSource.Hub hub && hub.files().size() == 1) {
            name = hub.files().get(0);
        } else if (source instanceof ModelSource.LocalPath path) {
            name = path.path();
        } else if (source instanceof ModelSource.Classpath cp && cp.resources().size() == 1) {
            name = cp.resources().get(0);
        }
        return Optional.ofNullable(name).filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".gguf"));
    }

    /**
     * At registration: one GGUF file, whole, of the kind asked for (an encoder-only model cannot generate), with a
     * pooling llama.cpp accepts. Reads the header only.
     */
    @Override
    public void validate(ModelRequirement requirement, ModelFiles files) {
        GgufCheck.check(null, requirement, files);
    }

    @Override
    public long estimateMemory(ModelRequirement requirement, DeviceInfo device) {
        if (requirement.source() instanceof ModelSource.LocalPath path && Files.isRegularFile(Path.of(path.path()))) {
            try {
                GgufFile gguf = GgufReader.read(Path.of(path.path()));
                Shape shape = shape(requirement, gguf, device);
                return device != null && device.isGpu()
                    ? MemoryEstimate.split(gguf, shape.contextPerSlot(), shape.slots(),
                        GpuOffload.of(requirement, gguf, device).layers()).device()
                    : MemoryEstimate.of(gguf, shape.contextPerSlot(), shape.slots()).total();
            } catch (IOException e) {
                return -1;
            }
        }
        return -1;
    }

    /** On a GPU: the layers left in host memory (the token embeddings at least), their KV cache, the server. */
    @Override
    public long estimateHostMemory(ModelRequirement requirement, DeviceInfo device) {
        if (device.isGpu() && requirement.source() instanceof ModelSource.LocalPath path
            && Files.isRegularFile(Path.of(path.path()))) {
            try {
                GgufFile gguf = GgufReader.read(Path.of(path.path()));
                Shape shape = shape(requirement, gguf, device);
                return MemoryEstimate.split(gguf, shape.contextPerSlot(), shape.slots(),
                    GpuOffload.of(requirement, gguf, device).layers()).host();
            } catch (IOException e) {
                return -1;
            }
        }
        return device.isGpu() ? -1 : 0;
    }

    /**
     * Context per slot and slot count for a requirement on a model, and why when they are fewer than asked.
     *
     * @param note {@code null}, or why the slots or the context are fewer than the defaults
     */
    record Shape(int contextPerSlot, int slots, String note) {
    }

    /** The smallest context per slot the provider shrinks to for memory's sake. */
    static final int MIN_FITTED_CONTEXT = 512;

    /**
     * The requirement's slots ({@code n_parallel}) and context per slot ({@code n_ctx}), else the provider's defaults
     * (capped at the context the model was trained for); where they come from defaults and the weights plus the KV
     * cache of every slot would not fit the device's free memory, fewer slots (down to one), then a smaller context
     * per slot (halving, down to {@link #MIN_FITTED_CONTEXT}). What the requirement states is never changed: the
     * manager's budget then decides whether it fits.
     */
    Shape shape(ModelRequirement requirement, GgufFile gguf, DeviceInfo device) {
        boolean slotsAsked = requirement.options().containsKey("n_parallel");
        boolean contextAsked = requirement.options().containsKey("n_ctx")
            || (requirement.maxInputLength() != null && requirement.modelType() == ModelType.EMBEDDING);
        int slots = Math.max(1, RequirementOptions.wholeNumber(requirement, "n_parallel",
            requirement.modelType() == ModelType.EMBEDDING ? 1 : settings.parallel()));
        int trained = gguf.contextLength() > 0 ? (int) Math.min(Integer.MAX_VALUE, gguf.contextLength()) : settings.contextSize();
        int wanted = RequirementOptions.wholeNumber(requirement, "n_ctx", Math.min(trained, settings.contextSize()));
        if (requirement.maxInputLength() != null && requirement.modelType() == ModelType.EMBEDDING) {
            wanted = Math.min(wanted, requirement.maxInputLength());
        }
        int context = Math.max(16, wanted);
        long free = device == null ? -1 : device.freeMemoryBytes();
        if (free <= 0) {
            return new Shape(context, slots, null);
        }
        int askedSlots = slots;
        int askedContext = context;
        int gpuLayers = device.isGpu() ? GpuOffload.of(requirement, gguf, device).layers() : -1;
        while (!slotsAsked && slots > 1 && need(gguf, context, slots, gpuLayers) > free) {
            slots--;
        }
        while (!contextAsked && context > MIN_FITTED_CONTEXT && need(gguf, context, slots, gpuLayers) > free) {
            context = Math.max(MIN_FITTED_CONTEXT, context / 2);
        }
        String note = slots == askedSlots && context == askedContext ? null
            : String.format(Locale.ROOT, "%d slots of %d tokens (defaults %d of %d) to fit %d MiB free on %s; set "
                + "options n_parallel and n_ctx to choose", slots, context, askedSlots, askedContext, free >> 20,
                device.id());
        return new Shape(context, slots, note);
    }

    /** What must fit the device's free memory: all of it on the CPU ({@code gpuLayers} -1), the GPU's part on one. */
    private static long need(GgufFile gguf, int context, int slots, int gpuLayers) {
        return gpuLayers < 0 ? MemoryEstimate.of(gguf, context, slots).total()
            : MemoryEstimate.split(gguf, context, slots, gpuLayers).device();
    }

    @Override
    public LoadedModel load(LoadRequest request) throws Exception {
        if (unavailable != null) {
            throw new ModelException(ErrorCode.LOAD_FAILED, request.modelId(), unavailable);
        }
        ModelRequirement requirement = request.requirement();
        GgufCheck.Checked checked = GgufCheck.check(request.modelId(), requirement, request.files());
        Path file = checked.file();
        GgufFile gguf = checked.gguf();
        Shape shape = shape(requirement, gguf, request.device());
        MemoryEstimate estimate = MemoryEstimate.of(gguf, shape.contextPerSlot(), shape.slots()); // on a GPU: its part, below
        ThreadCounts threads = ThreadCounts.of(requirement, settings);
        ModelParameters params = new ModelParameters().setModel(file.toString())
            .setCtxSize(shape.contextPerSlot() * shape.slots()).setParallel(shape.slots())
            .setThreads(threads.decode()).setThreadsBatch(threads.batch()).enableContBatching()
            .disableLog(); // llama.cpp's server log writes to stdout, bypassing the logger callback
        Map<String, String> facts = facts(gguf, shape);
        facts.put("threads", threads.describe());
        int gpuLayers = request.device().isGpu() ? 0 : RequirementOptions.wholeNumber(requirement, "n_gpu_layers", 0);
        if (request.device().isGpu()) {
            GpuOffload offload = GpuOffload.of(requirement, gguf, request.device());
            offload.apply(params);
            MemoryEstimate.Split split = MemoryEstimate.split(gguf, shape.contextPerSlot(), shape.slots(),
                offload.layers());
            facts.put("device", request.device().id());
            facts.put("gpu.layers", offload.describe(gguf, request.device().id()));
            facts.put("memory.split", (split.device() >> 20) + " MiB on " + request.device().id() + ", "
                + (split.host() >> 20) + " MiB in host memory (estimated)");
        } else if (gpuLayers != 0) {
            params.setGpuLayers(gpuLayers);
            if (LlamaNatives.bundledCpuOnly(settings)) {
                facts.put("device.note", "n_gpu_layers=" + gpuLayers + " asked, but the bundled llama.cpp is a CPU"
                    + " build: running on cpu (set native.library.path to a GPU build)");
                LOG.warn("Model {}: {}", request.modelId(), facts.get("device.note"));
            }
        }
        if (requirement.modelType() == ModelType.EMBEDDING) {
            PoolingType pooling = pooling(request.modelId(), requirement, gguf);
            params.enableEmbedding().setPoolingType(pooling);
            facts.put("pooling", pooling.name().toLowerCase(Locale.ROOT));
        }
        NativeModelPool.Key key = NativeModelPool.Key.of(file, params);
        LlamaModel model = pool.take(key);
        long measured;
        if (model != null) {
            facts.put("reused", "a parked instance of the same file and parameters");
            measured = measuredByKey.getOrDefault(key, -1L);
        } else {
            long before = ProcessMemory.residentBytes();
            model = nativeLoad(request.modelId(), params, checked);
            long after = ProcessMemory.residentBytes();
            measured = before > 0 && after > before ? after - before : -1;
            measuredByKey.put(key, measured);
        }
        if (request.device().isGpu()) { // what the budget holds on the GPU: its part (resident growth is the host's)
            measured = -1;
            estimate = new MemoryEstimate(MemoryEstimate.split(gguf, shape.contextPerSlot(), shape.slots(),
                GpuOffload.of(requirement, gguf, request.device()).layers()).device(), 0, 0);
        }
        LlamaModel loaded = model;
        Runnable release = () -> pool.release(key, loaded);
        LOG.info("Loaded {} ({} {}, {} layers, context {}x{}): estimated {} MiB, resident +{} MiB", file.getFileName(),
            gguf.architecture(), gguf.quantization(), gguf.layers(), shape.slots(), shape.contextPerSlot(),
            estimate.total() >> 20, measured >> 20);
        return requirement.modelType() == ModelType.EMBEDDING
            ? new LlamaEmbedder(request.modelId(), model, gguf, measured, estimate, facts, release)
            : new LlamaGenerator(request.modelId(), model, gguf, measured, estimate, facts, release,
                requirement.maxOutputLength() != null ? requirement.maxOutputLength() : settings.maxOutputLength(),
                shape.contextPerSlot(), shape.slots());
    }

    /**
     * llama.cpp's load. A file whose header reads but which llama.cpp refuses (an architecture it does not know,
     * tensors missing or of the wrong shape) is reported as a bad model file, with what llama.cpp said.
     */
    private static LlamaModel nativeLoad(String modelId, ModelParameters params, GgufCheck.Checked checked) {
        try {
            return new LlamaModel(params);
        } catch (RuntimeException e) {
            if (!"de.kherud.llama.LlamaException".equals(e.getClass().getName())) {
                throw e;
            }
            throw GgufCheck.invalid(modelId, "llama.cpp could not load " + checked.name() + " (a GGUF file of "
                + "architecture " + checked.gguf().architecture() + "): " + e.getMessage());
        }
    }

    /**
     * The pooling to embed with: the one asked for, else the one the model declares, else the last token's.
     * MEAN pooling is refused on a model that does not declare it: llama.cpp then fails a GGML_ASSERT, which
     * kills the whole JVM rather than throwing.
     */
    static PoolingType pooling(String modelId, ModelRequirement requirement, GgufFile gguf) {
        Optional<GgufFile.Pooling> declared = gguf.pooling();
        String asked = requirement.options().get("pooling");
        GgufFile.Pooling pooling;
        if (asked != null) {
            try {
                pooling = GgufFile.Pooling.valueOf(asked.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ModelException(ErrorCode.INVALID_REQUIREMENT, modelId, "options.pooling",
                    "options.pooling: must be none, mean, cls or last, was " + asked, null);
            }
        } else {
            pooling = declared.filter(p -> p != GgufFile.Pooling.RANK).orElse(GgufFile.Pooling.LAST);
        }
        if (pooling == GgufFile.Pooling.MEAN && declared.orElse(GgufFile.Pooling.NONE) != GgufFile.Pooling.MEAN) {
            throw new ModelException(ErrorCode.INVALID_REQUIREMENT, modelId, "options.pooling",
                "options.pooling: mean pooling on a model that declares " + declared.map(Enum::name).orElse("no pooling")
                    + " makes llama.cpp abort the process (GGML_ASSERT); use the model's own pooling or cls/last", null);
        }
        return switch (pooling) {
            case NONE -> PoolingType.NONE;
            case MEAN -> PoolingType.MEAN;
            case CLS -> PoolingType.CLS;
            case LAST, RANK -> PoolingType.LAST;
        };
    }

    private static Map<String, String> facts(GgufFile gguf, Shape shape) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("architecture", gguf.architecture());
        facts.put("quantization", gguf.quantization());
        facts.put("layers", Long.toString(gguf.layers()));
        facts.put("context.trained", Long.toString(gguf.contextLength()));
        facts.put("context.per.slot", Integer.toString(shape.contextPerSlot()));
        facts.put("slots", Integer.toString(shape.slots()));
        if (shape.note() != null) {
            facts.put("slots.note", shape.note());
        }
        facts.put("chat.template", gguf.chatTemplate().isPresent() ? "from the model file"
            : "none in the model file; llama.cpp's ChatML fallback is used");
        return facts;
    }
}
