package dev.modelmanager.core.internal.inference;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.GenerationResult;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ResponseFormat;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.TokenSink;
import dev.modelmanager.core.internal.exec.GenerationStream;
import dev.modelmanager.core.internal.exec.Instance;
import dev.modelmanager.core.internal.lifecycle.Binding;
import dev.modelmanager.core.internal.lifecycle.ModelEntry;
import dev.modelmanager.core.internal.lifecycle.TokenClock;

/**
 * Text generation: a prompt or a conversation, answered whole (blocking on the caller's thread when a slot is free,
 * or asynchronously) or streamed as a {@link GenerationStream}. The provider's sink answers {@code false} once the
 * caller is gone, which stops the model's work, and times each piece it hands on ({@link TokenClock}: time to first
 * token from the moment the call reached the manager, then the gaps between tokens).
 */
public final class GenerationInference {
    private final CallRunner calls;
    private final Function<String, Binding> resolver;
    private final String requester;

    /**
     * @param calls     runs its calls (and says whom they wait as in a model's queue)
     * @param requester whom its calls are counted for ({@code RequesterUsage.requester})
     */
    GenerationInference(CallRunner calls, Function<String, Binding> resolver, String requester) {
        this.calls = calls;
        this.resolver = resolver;
        this.requester = requester;
    }

    public GenerationResult generate(String modelId, String prompt, GenerationOptions options) {
        long start = System.nanoTime();
        Inputs.prompt(modelId, prompt);
        return blocking(modelId, start,
            b -> calls.call(b.entry(), Operation.GENERATE, generateBody(b, prompt, options, start)));
    }

    public CompletableFuture<GenerationResult> generateAsync(String modelId, String prompt, GenerationOptions options) {
        long start = System.nanoTime();
        try {
            Inputs.prompt(modelId, prompt);
            Binding binding = resolver.apply(modelId);
            ModelEntry entry = binding.entry();
            return calls.submit(entry, Operation.GENERATE, generateBody(binding, prompt, options, start),
                Accounting.of(entry, requester, start));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public GenerationResult chat(String modelId, List<ChatMessage> messages, GenerationOptions options) {
        long start = System.nanoTime();
        Inputs.messages(modelId, messages);
        List<ChatMessage> copy = List.copyOf(messages);
        return blocking(modelId, start, b -> calls.call(b.entry(), Operation.CHAT, chatBody(b, copy, options, start)));
    }

    public CompletableFuture<GenerationResult> chatAsync(String modelId, List<ChatMessage> messages,
                                                         GenerationOptions options) {
        long start = System.nanoTime();
        try {
            Inputs.messages(modelId, messages);
            Binding binding = resolver.apply(modelId);
            ModelEntry entry = binding.entry();
            return calls.submit(entry, Operation.CHAT, chatBody(binding, List.copyOf(messages), options, start),
                Accounting.of(entry, requester, start));
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public Flow.Publisher<GenerationChunk> stream(String modelId, String prompt, GenerationOptions options) {
        return new GenerationStream(modelId, sink -> {
            long start = System.nanoTime();
            try {
                Inputs.prompt(modelId, prompt);
                Binding binding = resolver.apply(modelId);
                ModelEntry entry = binding.entry();
                GenerationOptions effective = effective(options, binding.requirement());
                return calls.submit(entry, Operation.GENERATE, (model, worker, abandoned) -> {
                    requireFormat(entry.id(), model, effective);
                    return model.generate(prompt, effective, streaming(sink, abandoned, entry.tokenClock(start)));
                }, Accounting.of(entry, requester, start));
            } catch (ModelException e) {
                return CompletableFuture.failedFuture(e);
            }
        }, calls.settings().streamStallTimeout());
    }

    public Flow.Publisher<GenerationChunk> streamChat(String modelId, List<ChatMessage> messages,
                                                      GenerationOptions options) {
        return new GenerationStream(modelId, sink -> {
            long start = System.nanoTime();
            try {
                Inputs.messages(modelId, messages);
                Binding binding = resolver.apply(modelId);
                ModelEntry entry = binding.entry();
                GenerationOptions effective = effective(options, binding.requirement());
                List<ChatMessage> copy = List.copyOf(messages);
                return calls.submit(entry, Operation.CHAT, (model, worker, abandoned) -> {
                    requireFormat(entry.id(), model, effective);
                    return model.chat(copy, effective, streaming(sink, abandoned, entry.tokenClock(start)));
                }, Accounting.of(entry, requester, start));
            } catch (ModelException e) {
                return CompletableFuture.failedFuture(e);
            }
        }, calls.settings().streamStallTimeout());
    }

    /** The caller's sink, timing each piece it is handed; none once the call is abandoned. */
    private static TokenSink streaming(TokenSink sink, BooleanSupplier abandoned, TokenClock clock) {
        return piece -> {
            if (abandoned.getAsBoolean()) {
                return false;
            }
            clock.tick();
            return sink.accept(piece);
        };
    }

    /** The sink of a generation answered whole: it times each piece and stops once the call is abandoned. */
    private static TokenSink whole(BooleanSupplier abandoned, TokenClock clock) {
        return piece -> {
            if (abandoned.getAsBoolean()) {
                return false;
            }
            clock.tick();
            return true;
        };
    }

    /** Runs a blocking call that reached the manager at {@code start} on the resolved model, and counts it. */
    private GenerationResult blocking(String modelId, long start, Function<Binding, GenerationResult> call) {
        Binding binding = resolver.apply(modelId);
        ModelEntry entry = binding.entry();
        return Accounting.counted(entry, requester, start, () -> call.apply(binding));
    }

    private static CallRunner.Body<dev.modelmanager.api.spi.GenerationModel, GenerationResult> generateBody(
        Binding binding, String prompt, GenerationOptions options, long start) {
        ModelEntry entry = binding.entry();
        GenerationOptions effective = effective(options, binding.requirement());
        return (model, worker, abandoned) -> {
            requireFormat(entry.id(), model, effective);
            return timed(entry.id(), worker, () -> model.generate(prompt, effective, whole(abandoned,
                entry.tokenClock(start))));
        };
    }

    private static CallRunner.Body<dev.modelmanager.api.spi.ChatModel, GenerationResult> chatBody(
        Binding binding, List<ChatMessage> messages, GenerationOptions options, long start) {
        ModelEntry entry = binding.entry();
        GenerationOptions effective = effective(options, binding.requirement());
        return (model, worker, abandoned) -> {
            requireFormat(entry.id(), model, effective);
            return timed(entry.id(), worker, () -> model.chat(messages, effective, whole(abandoned,
                entry.tokenClock(start))));
        };
    }

    /**
     * Refuses, before the instance runs, a shape of output it cannot hold its text to: it would answer in another
     * one, which the caller would take for the one asked.
     */
    static void requireFormat(String modelId, dev.modelmanager.api.spi.LoadedModel model, GenerationOptions options) {
        ResponseFormat format = options.format();
        if (!model.responseFormats().contains(format.kind())) {
            throw new ModelException(ErrorCode.CAPABILITY_MISSING, modelId, "response_format", "this model cannot "
                + "hold its output to " + format.type() + "; it can give: " + model.responseFormats().stream()
                .map(ResponseFormat.Kind::type).sorted().toList(), null);
        }
    }

    /** The caller's options with the requirement's defaults filled in. */
    static GenerationOptions effective(GenerationOptions options, ModelRequirement requirement) {
        return (options == null ? GenerationOptions.DEFAULTS : options).withDefaults(requirement);
    }

    @FunctionalInterface
    private interface CompletionCall {
        Completion run() throws Exception;
    }

    private static GenerationResult timed(String modelId, Instance worker, CompletionCall call) throws Exception {
        long t0 = System.nanoTime();
        Completion completion = call.run();
        if (completion == null) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, modelId, "the provider returned no completion");
        }
        return new GenerationResult(modelId, completion.text(), completion.finishReason(), completion.usage(),
            Duration.ofNanos(System.nanoTime() - t0), worker.id(), worker.device());
    }
}
