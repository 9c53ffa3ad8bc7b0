package dev.modelmanager.api.spi;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;

/**
 * A whiteboard service that runs one or more kinds of model. Register it with the service properties
 * {@link dev.modelmanager.api.ModelManagerConstants#PROVIDER_NAME} and
 * {@link dev.modelmanager.api.ModelManagerConstants#PROVIDER_MODEL_TYPES}. When the service goes away, the manager
 * stops using every model it loaded: in-flight calls fail with {@code PROVIDER_GONE} and the models are closed.
 */
@ConsumerType
public interface ModelProvider {

    /** A short, stable name, e.g. {@code llamacpp}; requirements name it in {@code provider}. */
    String name();

    /** The model types it can serve at all. */
    Set<ModelType> modelTypes();

    /**
     * Why this provider cannot serve anything now (e.g. its native library failed to load), or {@code null} when
     * it can. Shown in the manager's status.
     */
    default String unavailableReason() {
        return null;
    }

    /**
     * Whether it can run models on {@code device} at all (a GPU needs an engine build with GPU support). The manager
     * offers a provider only devices it runs on: {@code auto} takes the best of those, and a device asked for by name
     * that the provider cannot use falls back to the CPU with a note saying why. Must be cheap. The default: every
     * device.
     */
    default boolean runsOn(DeviceInfo device) {
        return true;
    }

    /**
     * Why it cannot run on {@code device}, one sentence (e.g. {@code "ONNX Runtime's CUDA execution provider cannot
     * start: libcublasLt.so.12: cannot open shared object file"}), or {@code null} when {@link #runsOn} accepts it.
     * The manager puts it in the model's device note when a GPU is passed over for this reason, so that an operator
     * sees why a model runs on the CPU. Must be cheap (an answer found once may be kept). The default: none.
     */
    default String cannotRunOnReason(DeviceInfo device) {
        return null;
    }

    /**
     * Whether, and how well, it can serve a requirement. Must be cheap: no loading, no network. The manager picks
     * the supporting provider with the highest score.
     */
    ProviderFit assess(ModelRequirement requirement);

    /**
     * The files this provider needs from the model's source, in the repository layout (e.g. {@code config.json},
     * {@code tokenizer.json}, {@code onnx/model.onnx}). The manager fetches them before {@link #load} and checks
     * at registration that they can be had. Files named in the source itself are fetched as well. Must be cheap.
     */
    default java.util.List<FileRequest> files(ModelRequirement requirement) {
        return java.util.List.of();
    }

    /**
     * Checks, without loading the model, that its local files are what this provider expects: of its format, whole,
     * and of the kind the requirement's type needs (a classification graph is no embedding model). The manager calls
     * it at registration when the files are on the local disk already (a local path, Hub files in the cache), on one
     * of its provider threads, under no lock, bounded by {@code provider.call.timeout.seconds}; a provider makes the
     * same checks in {@link #load} for files that arrive later. Must be cheap: read headers and structure, never
     * the weights.
     *
     * @throws dev.modelmanager.api.ModelException {@link dev.modelmanager.api.ErrorCode#INVALID_MODEL_FILE} naming
     *         the file and what is wrong with it ({@link dev.modelmanager.api.ErrorCode#INVALID_REQUIREMENT} when the
     *         requirement contradicts the files); the message quotes no bytes of the file and lists no folder
     */
    default void validate(ModelRequirement requirement, ModelFiles files) {
    }

    /**
     * Bytes the model is expected to need on {@code device} once loaded, or {@code -1} when unknown. Must be cheap.
     */
    long estimateMemory(ModelRequirement requirement, DeviceInfo device);

    /**
     * Bytes the model needs in the host's memory (the {@code cpu} device's budget) besides {@link #estimateMemory}
     * when it runs on a GPU, e.g. the layers of a GGUF model that stay on the CPU; {@code 0} when all of it is on the
     * GPU, {@code -1} when unknown. Not asked for a model on the CPU. The manager reserves it on the CPU for as long
     * as the instance is loaded. Must be cheap. The default: {@code 0}.
     */
    default long estimateHostMemory(ModelRequirement requirement, DeviceInfo device) {
        return 0;
    }

    /**
     * Loads one instance of the model. Called on a manager thread, never concurrently for the same request; may
     * take long. The result must implement the capability interfaces of the requirement's model type.
     *
     * @throws Exception any failure; a {@link dev.modelmanager.api.ModelException} keeps its code, anything else
     *                   becomes {@code LOAD_FAILED}
     */
    LoadedModel load(LoadRequest request) throws Exception;
}
