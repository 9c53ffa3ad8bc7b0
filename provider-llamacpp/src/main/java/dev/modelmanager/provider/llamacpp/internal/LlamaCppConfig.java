package dev.modelmanager.provider.llamacpp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code dev.modelmanager.provider.llamacpp}. */
@ObjectClassDefinition(id = "dev.modelmanager.provider.llamacpp", name = "OSGi Model Manager: llama.cpp provider",
    description = "Runs GGUF models in-process through llama.cpp.")
public @interface LlamaCppConfig {

    @AttributeDefinition(name = "Native folder",
        description = "Private folder the JNI library is extracted to; empty = modelmanager.home/data/natives/llama, "
            + "else a folder of this user's under java.io.tmpdir.")
    String native_dir() default "";

    @AttributeDefinition(name = "Native library",
        description = "A folder holding a libjllama built by you (e.g. with CUDA), used instead of the bundled CPU one.")
    String native_library_path() default "";

    @AttributeDefinition(name = "Context per slot",
        description = "Tokens of context per parallel slot when a model does not say (n_ctx); capped at the model's own.")
    int context_size() default 2048;

    @AttributeDefinition(name = "Parallel slots",
        description = "Requests one loaded model runs at once through continuous batching (n_parallel).")
    int parallel() default 4;

    @AttributeDefinition(name = "Threads", description = "CPU threads per model; 0 = all cores.")
    int threads() default 0;

    @AttributeDefinition(name = "Threads for batches", description = "CPU threads per model for steps of more than one "
        + "token (a prompt, several streams at once; n_threads_batch); 0 = as Threads.")
    int threads_batch() default 0;

    @AttributeDefinition(name = "Max output tokens",
        description = "Tokens generated when neither the call nor the requirement sets max_output_length.")
    int max_output_length() default 256;

    @AttributeDefinition(name = "Parked instances",
        description = "Unloaded models kept for reuse by the next load of the same file and parameters (java-llama.cpp "
            + "leaves native memory and a thread behind on every close; reuse keeps reloads from piling up). 0 = off.")
    int parked_instances() default 2;
}
