package dev.modelmanager.langchain4j;

import dev.modelmanager.api.ModelRef;

/**
 * What the three adapters share: the handle their calls go through, whether closing them releases its reference,
 * and the model's name, asked once.
 */
abstract class ManagedModel<H extends ModelRef> implements AutoCloseable {
    private final H handle;
    private final boolean owned;
    private volatile String modelName;

    ManagedModel(H handle, boolean owned) {
        this.handle = handle;
        this.owned = owned;
    }

    /** The handle the calls go through. */
    public H handle() {
        return handle;
    }

    /** The model's name (its requirement's {@code name}, e.g. a Hub repository). */
    public String modelName() {
        String name = modelName;
        if (name == null) {
            name = handle.info().name();
            modelName = name;
        }
        return name;
    }

    /**
     * LangChain4j's capabilities of the model as loaded now: {@code RESPONSE_FORMAT_JSON_SCHEMA} while its loaded
     * instance holds generations to a JSON schema (the manager's {@code response_formats} detail: llama.cpp,
     * OpenAI-compatible and Ollama endpoints). Nothing while it is not loaded (which model will serve is not known
     * before), so that {@code AiServices} then asks for the JSON in the prompt instead.
     */
    java.util.Set<dev.langchain4j.model.chat.Capability> loadedCapabilities() {
        String formats;
        try {
            formats = handle.info().details().get("response_formats");
        } catch (RuntimeException e) { // unregistered meanwhile: the call will say so
            return java.util.Set.of();
        }
        return formats != null && java.util.List.of(formats.split(",\\s*")).contains("json_schema")
            ? java.util.Set.of(dev.langchain4j.model.chat.Capability.RESPONSE_FORMAT_JSON_SCHEMA) : java.util.Set.of();
    }

    /** Releases the reference this adapter holds, if it holds one (see {@link ManagedModels}). */
    @Override
    public void close() {
        if (owned) {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + handle.modelId() + "]";
    }
}
