package dev.modelmanager.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The shared model manager service. Host bundles {@link #register} the models they need when they activate, call
 * them by model id, and {@link #release} them when they deactivate; or, shorter, take a typed handle
 * ({@link #register(String, ModelRequirement, Class)}, {@link #attach(String, Class)}) and close it. Registrations
 * of the same model share one loaded instance, whatever ids they use: the same requirement identity (type, name,
 * source, and what changes its outputs) is the same model, and each id is a name for it. The model loads on first
 * use (or at registration with {@code preload_workers >= 1}) and unloads after the last release once its idle
 * timeout has passed.
 *
 * <p>In an OSGi framework the service is bundle-scoped: each bundle gets its own view, every reference it takes is
 * owned by it (no other bundle can release it), and everything it registered is released when it releases the
 * service: when it stops, whatever its code did, or when its activator throws.
 *
 * <p>Every inference call exists in a blocking form and an {@code ...Async} form returning a
 * {@link CompletionStage}. Failures are {@link ModelException}s with an {@link ErrorCode}; an async call
 * completes exceptionally with one. The model id {@value #DEFAULT_MODEL} routes to the model chosen with
 * {@link #setDefault}.
 *
 * <p>When every worker of a model is busy, calls wait their turn, and requesters take turns: a freed worker goes
 * to the next requester with waiting calls (round-robin), its oldest call first, so a bundle with 50 calls waiting
 * does not crowd out one with a single call. Each bundle is one requester ({@link #forClient} makes finer ones).
 *
 * <p>Thread-safe. Looking a model up takes no lock, so a slow load of one model never delays calls to another.
 */
@ProviderType
public interface ModelManager {

    /** The model id that routes to the default model. */
    String DEFAULT_MODEL = "default";

    // ---------------------------------------------------------------- registration

    /**
     * Registers {@code requesterId}'s need for a model under {@code modelId}. Registering again from the same
     * requester changes nothing; registering from another requester adds a reference to the same model. Never
     * waits for a load. A new model's source is checked first: its files must be there, and local files must be what
     * the provider that would serve the model expects (a whole GGUF file, a parsable ONNX graph of the right kind);
     * a relative local path is taken against the working directory and kept absolute.
     *
     * @throws ModelException {@link ErrorCode#CONFLICTING_REQUIREMENT} when {@code modelId} is registered with a
     *                        requirement describing another model; {@link ErrorCode#INVALID_REQUIREMENT} for a
     *                        bad id, requester or requirement; {@link ErrorCode#SOURCE_UNAVAILABLE} when its files
     *                        cannot be had; {@link ErrorCode#INVALID_MODEL_FILE} when one of them is broken or of
     *                        the wrong kind
     */
    Registration register(String modelId, ModelRequirement requirement, String requesterId);

    /**
     * Registers, as {@link #register(String, ModelRequirement, String)} does, a requirement that comes from a caller
     * outside the framework whom the operator has not vouched for: a client of an HTTP API, say (the REST API
     * registers this way). Its local files must lie under the manager's model roots (configuration
     * {@code model.roots}, the distribution's {@code models/} folder and the Hugging Face cache): a relative path is
     * looked up in each root in turn, and a path outside them is refused with {@link ErrorCode#SOURCE_NOT_ALLOWED}
     * before anything is read, the same answer whether or not it exists. Failures name no file content and no folder
     * listing. {@link #register(String, ModelRequirement, String)} itself takes any path (relative ones against the
     * working directory): it serves the shell, configuration and bundles, which the operator installed.
     *
     * @throws ModelException as {@link #register(String, ModelRequirement, String)}, and
     *                        {@link ErrorCode#SOURCE_NOT_ALLOWED}
     */
    Registration registerConfined(String modelId, ModelRequirement requirement, String requesterId);

    /**
     * Adds {@code requesterId}'s reference to a model already registered under {@code modelId} (a declared model, say)
     * without repeating its requirement.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    Registration attach(String modelId, String requesterId);

    /**
     * Registers a model and answers a handle of the given type on it ({@link EmbeddingModelRef},
     * {@link GeneratorRef}, {@link ClassifierRef}, {@link Text2TextRef}, or {@link ModelRef}); closing the handle
     * releases it. The requester is the calling bundle (its symbolic name), or
     * {@value ModelManagerConstants#LOCAL_REQUESTER} outside OSGi.
     *
     * @throws ModelException as {@link #register(String, ModelRequirement, String)}, and
     *                        {@link ErrorCode#CAPABILITY_MISSING} when the model's type has no such handle
     */
    <R extends ModelRef> R register(String modelId, ModelRequirement requirement, Class<R> handle);

    /**
     * A handle of the given type on a model already registered (see {@link #attach(String, String)}); closing it
     * releases its reference.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}, {@link ErrorCode#CAPABILITY_MISSING}
     */
    <R extends ModelRef> R attach(String modelId, Class<R> handle);

    /**
     * Drops {@code requesterId}'s reference. When no reference is left the model unloads once its idle timeout
     * has passed (unless it is pinned), and is then no longer registered. Releasing twice is harmless.
     *
     * @return the references left
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}; {@link ErrorCode#NOT_OWNER} when the reference
     *                        belongs to another bundle
     */
    int release(String modelId, String requesterId);

    // ---------------------------------------------------------------- inference

    /**
     * Embeds texts with an embedding model.
     *
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} for an empty list or a {@code null} text,
     *                        {@link ErrorCode#CAPABILITY_MISSING} if the model does not embed, and the lifecycle
     *                        errors of {@link #load}
     */
    EmbeddingResult embed(String modelId, List<String> texts);

    /** {@link #embed}, without blocking. */
    CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts);

    /**
     * Embeds texts with the call's options: the model's named prompt ({@code query}, {@code passage}, ... as its
     * sentence-transformers files define them) before each text.
     *
     * @throws ModelException as {@link #embed(String, List)}, and {@link ErrorCode#INVALID_INPUT} naming
     *                        {@code prompt_name} for a prompt the model does not have
     */
    EmbeddingResult embed(String modelId, List<String> texts, EmbeddingOptions options);

    /** {@link #embed(String, List, EmbeddingOptions)}, asynchronously. */
    CompletionStage<EmbeddingResult> embedAsync(String modelId, List<String> texts, EmbeddingOptions options);

    /** Continues a prompt with a text generation model. */
    GenerationResult generate(String modelId, String prompt, GenerationOptions options);

    /** {@link #generate}, without blocking. */
    CompletionStage<GenerationResult> generateAsync(String modelId, String prompt, GenerationOptions options);

    /**
     * Streams a generation as it is produced. The publisher is cold: each subscription runs one generation.
     * Cancelling the subscription stops the model's work; backpressure is honoured (the model waits for demand).
     * The last chunk carries the finish reason and usage; failures arrive as {@code onError} with a
     * {@link ModelException}.
     */
    Flow.Publisher<GenerationChunk> stream(String modelId, String prompt, GenerationOptions options);

    /** Answers a conversation with a chat-capable text generation model. */
    GenerationResult chat(String modelId, List<ChatMessage> messages, GenerationOptions options);

    /** {@link #chat}, without blocking. */
    CompletionStage<GenerationResult> chatAsync(String modelId, List<ChatMessage> messages,
                                                GenerationOptions options);

    /** {@link #stream} for a conversation. */
    Flow.Publisher<GenerationChunk> streamChat(String modelId, List<ChatMessage> messages, GenerationOptions options);

    /** Transforms each input with a text2text model (translation, summarisation, ...). */
    TransformResult transform(String modelId, List<String> inputs, GenerationOptions options);

    /** {@link #transform}, without blocking. */
    CompletionStage<TransformResult> transformAsync(String modelId, List<String> inputs, GenerationOptions options);

    /** Classifies each text with a classification model. */
    ClassificationResult classify(String modelId, List<String> texts);

    /** {@link #classify}, without blocking. */
    CompletionStage<ClassificationResult> classifyAsync(String modelId, List<String> texts);

    /**
     * Classifies text pairs read together (a cross-encoder's query and document, an NLI premise and hypothesis).
     *
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} for an empty list or a {@code null} pair,
     *                        {@link ErrorCode#CAPABILITY_MISSING} if the model or its provider does not classify pairs
     */
    ClassificationResult classifyPairs(String modelId, List<TextPair> pairs);

    /** {@link #classifyPairs}, asynchronously. */
    CompletionStage<ClassificationResult> classifyPairsAsync(String modelId, List<TextPair> pairs);

    /**
     * The documents by relevance to the query, most relevant first: with a cross-encoder classification model (each
     * query and document read together; the score is its one logit's sigmoid, or its last label's probability), or
     * with an embedding model (cosine similarity of the vectors, which are cached like any embedding's).
     *
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} for a {@code null} query or no documents,
     *                        {@link ErrorCode#CAPABILITY_MISSING} for other model types
     */
    RerankResult rerank(String modelId, String query, List<String> documents);

    /** {@link #rerank}, asynchronously. */
    CompletionStage<RerankResult> rerankAsync(String modelId, String query, List<String> documents);

    /**
     * Zero-shot classification with an embedding model: each text is scored against every candidate label (or
     * label description) by the cosine similarity of their embeddings, best first. Lets users without a
     * fine-tuned classifier classify with any embedding model.
     *
     * @throws ModelException {@link ErrorCode#INVALID_INPUT} for no texts or fewer than two labels,
     *                        {@link ErrorCode#CAPABILITY_MISSING} if the model does not embed
     */
    ClassificationResult classifyZeroShot(String modelId, List<String> texts, List<String> candidateLabels);

    /** {@link #classifyZeroShot}, without blocking. */
    CompletionStage<ClassificationResult> classifyZeroShotAsync(String modelId, List<String> texts,
                                                                List<String> candidateLabels);

    /**
     * This manager, with its inference calls taking turns as one client of the caller: for a bundle that serves
     * callers of its own (the REST faces, whose callers are HTTP clients), which would otherwise get one turn for all
     * of them. Calls made through the answer wait as a requester of their own ({@code client} of this bundle) and are
     * still counted for the bundle ({@link #usage()}); everything else (registrations, references, handles) is this
     * manager's. Cheap (no lookup, no lock): take one per call.
     *
     * <p>The default implementation answers this manager itself.
     *
     * @param client a stable, non-secret name of the client (an address, an account name; never a key or password);
     *               {@code null} or blank for none, which answers this manager
     */
    default ModelManager forClient(String client) {
        return this;
    }

    // ---------------------------------------------------------------- lifecycle and routing

    /**
     * Loads the model now, if it is not loaded, and waits until it is or {@code timeout} passes. When no provider
     * can serve it yet, waits for one to arrive within the timeout.
     *
     * @throws ModelException {@link ErrorCode#TIMEOUT}, {@link ErrorCode#NO_PROVIDER},
     *                        {@link ErrorCode#LOAD_FAILED}, {@link ErrorCode#NOT_REGISTERED}
     */
    ModelInfo load(String modelId, Duration timeout);

    /** {@link #load(String, Duration)}, without blocking. */
    CompletionStage<ModelInfo> loadAsync(String modelId);

    /**
     * Unloads the model now; calls already running finish first. It stays registered and loads again on next use.
     *
     * @return {@code true} when it was loaded
     */
    boolean unload(String modelId);

    /**
     * Makes {@value #DEFAULT_MODEL} route to {@code modelId}.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    void setDefault(String modelId);

    /**
     * Empties a model's embedding cache.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    void clearEmbeddingCache(String modelId);

    /** The model {@value #DEFAULT_MODEL} routes to, if any. */
    Optional<String> defaultModel();

    /**
     * Points an alias (a name callers use instead of a model id, e.g. {@code chat}) at a registered model, without
     * downtime: the target is loaded first (waiting at most {@code timeout}), then the alias flips atomically, then
     * the previous target is released by the alias (calls already running on it finish there). The alias holds a
     * reference (requester {@code alias:<name>}) on its target. If the target cannot be loaded, the alias keeps
     * pointing where it did.
     *
     * @return the target, loaded
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}, {@link ErrorCode#INVALID_INPUT} (the alias is a
     *                        model id or {@value #DEFAULT_MODEL}), or the target's load failure
     */
    ModelInfo switchAlias(String alias, String modelId, Duration timeout);

    /**
     * Removes an alias and its reference on its target.
     *
     * @return whether it existed
     */
    boolean removeAlias(String alias);

    /** Every alias and the model id it points at, sorted by alias. */
    java.util.Map<String, String> aliases();

    /**
     * Points an alias at the first of {@code policy}'s candidates that loads (as {@link #switchAlias}, waiting at
     * most {@code timeout} for each), and from then on moves it between them by the policy: away from a target that
     * fails or whose success rate falls below the threshold, and back when an earlier one recovers. A later
     * {@code autoSwitch} replaces the policy; {@link #removeAlias} removes both; a manual {@link #switchAlias} keeps
     * the policy, which may move the alias again.
     *
     * @return the target, loaded
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED} naming a candidate that is not registered,
     *                        {@link ErrorCode#INVALID_INPUT}, or the last candidate's load failure when none loads
     */
    ModelInfo autoSwitch(String alias, AliasPolicy policy, Duration timeout);

    /** The aliases that move on their own, with their policies, sorted by alias. */
    java.util.Map<String, AliasPolicy> aliasPolicies();

    /**
     * Runs {@code requests} standard calls on a model (a sentence to embed or classify, a short prompt to
     * complete or transform) one after another and reports what they took. Profiling calls count in the model's
     * statistics like any other.
     *
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}, {@link ErrorCode#INVALID_INPUT} for {@code requests}
     *                        outside 1..1000
     */
    ProfileResult profile(String modelId, int requests);

    // ---------------------------------------------------------------- introspection

    /**
     * @throws ModelException {@link ErrorCode#NOT_REGISTERED}
     */
    ModelInfo info(String modelId);

    /** Every registered model, sorted by id. */
    List<ModelInfo> list();

    /** The manager as a whole. */
    ManagerStatus status();

    /**
     * Who used what: every model's calls, items, tokens, failures and cost by requester (the bundle that called,
     * {@code direct} for callers of the manager itself), since the manager started; sorted by requester and model.
     */
    List<RequesterUsage> usage();

    /**
     * Writes the manager's state now (registrations, default, aliases, which models are loaded, statistics) and
     * waits until it is on disk. The manager writes it after every change anyway; this is for an operator who wants
     * a durable point before a maintenance step.
     *
     * @throws ModelException {@link ErrorCode#NOT_CONFIGURED} (field {@code state.file}) when the manager keeps no
     *                        state, {@link ErrorCode#STORAGE_FAILED} when the file cannot be written (disk full,
     *                        permissions), {@link ErrorCode#TIMEOUT} when the write does not finish within 30 s
     */
    StateSave saveState();
}
