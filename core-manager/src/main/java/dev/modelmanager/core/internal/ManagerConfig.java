package dev.modelmanager.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code dev.modelmanager.core}. Property names replace {@code _} with {@code .}. */
@ObjectClassDefinition(
    id = "dev.modelmanager.core",
    name = "OSGi Model Manager",
    description = "Lifecycle and scheduling settings of the shared ModelManager service.")
public @interface ManagerConfig {

    @AttributeDefinition(name = "Idle timeout (s)",
        description = "How long a model stays loaded after its last release before it unloads (unless pinned).")
    long idle_timeout_seconds() default 300;

    @AttributeDefinition(name = "Load timeout (s)",
        description = "How long a call waits for its model to load before failing with TIMEOUT.")
    long load_timeout_seconds() default 600;

    @AttributeDefinition(name = "Worker concurrency",
        description = "Calls one loaded instance runs at once; further calls queue.")
    int worker_concurrency() default 4;

    @AttributeDefinition(name = "Provider drain timeout (ms)",
        description = "When a provider leaves, how long its running calls may take to finish before its models close.")
    long provider_drain_timeout_ms() default 5000;

    @AttributeDefinition(name = "Provider wait (s)",
        description = "When the provider serving a model leaves (a bundle update or restart), how long calls to the "
            + "model wait for a provider to come back before they fail with NO_PROVIDER (0 = fail at once).")
    long provider_wait_seconds() default 30;

    @AttributeDefinition(name = "Unload drain timeout (s)",
        description = "When a model unloads, how long its running calls may take to finish before it closes.")
    long unload_drain_timeout_seconds() default 60;

    @AttributeDefinition(name = "Provider call timeout (s)",
        description = "How long a provider may take to answer a question about a model (assess, files, memory "
            + "estimate) or to close an instance before the manager reports it and carries on.")
    long provider_call_timeout_seconds() default 10;

    @AttributeDefinition(name = "Stream stall timeout (s)",
        description = "How long a stream waits for its subscriber to request more before it is cancelled.")
    long stream_stall_timeout_seconds() default 300;

    @AttributeDefinition(name = "Hub endpoint",
        description = "Base URL of the Hugging Face Hub (or a mirror); empty = HF_ENDPOINT, else https://huggingface.co.")
    String hub_endpoint() default "";

    @AttributeDefinition(name = "Hub token file", required = false,
        description = "A file holding the access token for private and gated models, readable by its owner only. "
            + "Wins over hub.token.env and hub.token; a file named but unreadable is reported (model:status, the log) "
            + "and Hub calls go without a token.")
    String hub_token_file() default "";

    @AttributeDefinition(name = "Hub token variable", required = false,
        description = "The environment variable holding the token, when hub.token.file is empty.")
    String hub_token_env() default "";

    @AttributeDefinition(name = "Hub token", type = AttributeType.PASSWORD, required = false,
        description = "Discouraged: the token itself. It is moved out of the configuration into an owner-only file "
            + "(data/secrets) that hub.token.file then names. Nothing configured = HF_TOKEN. Never logged or shown.")
    String hub_token() default "";

    @AttributeDefinition(name = "Hub cache folder",
        description = "Hugging Face cache layout, shared with other tools; empty = HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub.")
    String hub_cache_dir() default "";

    @AttributeDefinition(name = "Offline",
        description = "Serve only what the cache holds; never contact the Hub (also HF_HUB_OFFLINE=1).")
    boolean hub_offline() default false;

    @AttributeDefinition(name = "Check for updates",
        description = "Ask the Hub whether a branch moved even when its files are cached (default: the cache answers).")
    boolean hub_check_updates() default false;

    @AttributeDefinition(name = "Work folder",
        description = "Where the manager keeps its own files (extracted model resources); empty = modelmanager.home/data or ~/.cache/modelmanager.")
    String work_dir() default "";

    @AttributeDefinition(name = "Model roots",
        description = "Comma-separated folders (relative ones against modelmanager.home) where callers of the REST API "
            + "may name model files (path, jar), besides modelmanager.home/models and the Hub cache. Their relative "
            + "paths are looked up in each root in turn; a path outside every root is refused with SOURCE_NOT_ALLOWED "
            + "(422), whether it exists or not. The shell and etc/ declarations may name any path.")
    String model_roots() default "";

    @AttributeDefinition(name = "Embedding cache",
        description = "Answer repeated texts from a per-model cache (a requirement can opt out with cache_embeddings=false).")
    boolean embedding_cache_enabled() default true;

    @AttributeDefinition(name = "Embedding cache size", description = "Most vectors cached per model.")
    long embedding_cache_max_size() default 10000;

    @AttributeDefinition(name = "Embedding cache TTL (s)", description = "How long a cached vector is kept after it was computed.")
    long embedding_cache_ttl_seconds() default 3600;

    @AttributeDefinition(name = "Most instances per model",
        description = "A model's worker pool loads another instance (on the matching device holding fewest of its "
            + "instances, within the memory budget) while calls queue, up to this many; idle instances close after "
            + "the idle timeout. preload_workers of a requirement raises it for that model.")
    int worker_max_instances() default 1;

    @AttributeDefinition(name = "Balancing", description = "least-busy or round-robin across a model's instances.")
    String worker_balancing() default "least-busy";

    @AttributeDefinition(name = "Queue timeout (s)",
        description = "How long a call may wait for a free worker before it fails with TIMEOUT (0 = no limit).")
    long queue_timeout_seconds() default 300;

    @AttributeDefinition(name = "Queue capacity",
        description = "Calls that may wait for a model's worker beyond those running; more are refused at once with OVERLOADED.")
    int queue_capacity() default 256;

    @AttributeDefinition(name = "Inputs per call",
        description = "Most texts (or text pairs) one embedding, classification or text2text call may hold; more are "
            + "refused with INVALID_INPUT naming this key.")
    int limits_inputs_per_call() default 16384;

    @AttributeDefinition(name = "Characters per input",
        description = "Most characters in one input text; longer texts are refused with INVALID_INPUT naming this key "
            + "(a model reads at most its own context of a text; its answer says which inputs it truncated where the "
            + "provider counts tokens, and truncate=false refuses them instead).")
    int limits_chars_per_input() default 100000;

    @AttributeDefinition(name = "State file",
        description = "JSON file where registrations made in the shell or over REST, the default model, which models "
            + "were loaded and statistics are kept across restarts; empty = not kept. Written atomically.")
    String state_file() default "";

    @AttributeDefinition(name = "Micro-batching",
        description = "Coalesce concurrent embedding calls to one model into batches of up to batch_size while its "
            + "worker is busy (no added wait when it is idle).")
    boolean micro_batching() default true;

    @AttributeDefinition(name = "Micro-batching delay (ms)",
        description = "How long texts may wait for company while the model has a free slot (0 = they go at once; "
            + "batches still form while every slot is busy).")
    long micro_batching_delay_ms() default 0;

    @AttributeDefinition(name = "Memory budget",
        description = "How much memory loaded models may take per device: infinity, auto (80 % of the device's "
            + "memory), a size (12g, 512m) or a percentage (70%). Reserved from providers' estimates before a load, "
            + "corrected to what the model reports after.")
    String memory_budget() default "infinity";

    @AttributeDefinition(name = "GPU memory fraction",
        description = "A GPU's budget: this fraction (0 to 1) of the memory free on it for the manager's models, "
            + "measured (the GPU's free memory now plus what the manager's models hold there, never more than while "
            + "they held nothing there), and within memory.budget where that is smaller. 0 = GPUs follow "
            + "memory.budget alone.")
    double gpu_memory_fraction() default 0.8;

    @AttributeDefinition(name = "Over budget",
        description = "evict: unload idle, unpinned models of equal or lower priority (lowest priority, then least "
            + "recently used, first) to make room; refuse: fail the load with INSUFFICIENT_MEMORY.")
    String memory_policy() default "evict";

    @AttributeDefinition(name = "Most loaded models",
        description = "Most models loaded at once (0 = no limit); remote models do not count.")
    int max_loaded_models() default 0;
}
