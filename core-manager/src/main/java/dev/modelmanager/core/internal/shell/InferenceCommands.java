package dev.modelmanager.core.internal.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.Classification;
import dev.modelmanager.api.EmbeddingResult;
import dev.modelmanager.api.GenerationChunk;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.TokenUsage;

/**
 * Gogo commands that run models: {@code model:generate} and {@code model:chat} stream to the terminal as the
 * model produces (Ctrl-C cancels, stopping the model's work), {@code model:embed}, {@code model:classify},
 * {@code model:transform}.
 */
@Component(service = InferenceCommands.class, property = {
    "osgi.command.scope=model",
    "osgi.command.function=generate",
    "osgi.command.function=chat",
    "osgi.command.function=embed",
    "osgi.command.function=classify",
    "osgi.command.function=transform"
})
public final class InferenceCommands {
    static final String SCOPE = "model";

    private final ModelManager manager;

    @Activate
    public InferenceCommands(@Reference ModelManager manager) {
        this.manager = manager;
    }

    /** Gogo calls this when no method of the command takes the arguments given: the command's usage. */
    public Object _main(String function, String... arguments) {
        throw CommandUsage.error(InferenceCommands.class, SCOPE, function);
    }

    /** The words of a text or prompt, which the command cannot do without. */
    private static String text(String function, String... words) {
        if (words.length == 0) {
            throw CommandUsage.error(InferenceCommands.class, SCOPE, function);
        }
        return String.join(" ", words);
    }

    @Descriptor("Continues a prompt, streaming the text as it is generated")
    public void generate(CommandSession session,
                         @Descriptor("most tokens to generate") @Parameter(names = {"-n", "--max-tokens"}, absentValue = "") String max,
                         @Descriptor("sampling temperature (0 = greedy)") @Parameter(names = {"-t", "--temperature"}, absentValue = "") String temperature,
                         @Descriptor("the model id, or 'default'") String modelId,
                         @Descriptor("the prompt (quote it, or give several words)") String... prompt) throws InterruptedException {
        stream(session, manager.stream(modelId, text("generate", prompt), options(max, temperature)));
    }

    @Descriptor("Sends one user message to a chat model, streaming the answer")
    public void chat(CommandSession session,
                     @Descriptor("most tokens to generate") @Parameter(names = {"-n", "--max-tokens"}, absentValue = "") String max,
                     @Descriptor("sampling temperature (0 = greedy)") @Parameter(names = {"-t", "--temperature"}, absentValue = "") String temperature,
                     @Descriptor("a system message") @Parameter(names = {"-s", "--system"}, absentValue = "") String system,
                     @Descriptor("the model id, or 'default'") String modelId,
                     @Descriptor("the message (quote it, or give several words)") String... message) throws InterruptedException {
        String said = text("chat", message);
        List<ChatMessage> messages = system.isEmpty() ? List.of(ChatMessage.user(said))
            : List.of(ChatMessage.system(system), ChatMessage.user(said));
        stream(session, manager.streamChat(modelId, messages, options(max, temperature)));
    }

    @Descriptor("Embeds a text and shows its vector's size, first values, timing and tokens read")
    public String embed(@Descriptor("the model id, or 'default'") String modelId,
                        @Descriptor("the text (quote it, or give several words)") String... text) {
        EmbeddingResult result = manager.embed(modelId, List.of(text("embed", text)));
        float[] v = result.vectors().get(0);
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(6, v.length); i++) {
            head.append(String.format(Locale.ROOT, "%s%.4f", i == 0 ? "" : ", ", v[i]));
        }
        dev.modelmanager.api.Embedding e = result.embeddings().get(0);
        return String.format(Locale.ROOT, "dimension %d: [%s%s] (%s, %d ms%s)%n", v.length, head,
            v.length > 6 ? ", ..." : "", e.cached() ? "cached" : "computed", result.processingTime().toMillis(),
            tokens(e));
    }

    /** What the model read of the text, where the provider counts it: ", 8 tokens", ", 256 of 2002 tokens (truncated)". */
    private static String tokens(dev.modelmanager.api.Embedding e) {
        if (e.tokens() == dev.modelmanager.api.Embedding.UNKNOWN) {
            return "";
        }
        return e.truncated() ? String.format(Locale.ROOT, ", %d of %d tokens (truncated)", e.tokens(),
            e.untruncatedTokens()) : ", " + e.tokens() + " tokens";
    }

    @Descriptor("Classifies a text: labels with scores, best first")
    public String classify(@Descriptor("the model id, or 'default'") String modelId,
                           @Descriptor("the text (quote it, or give several words)") String... text) {
        Classification c = manager.classify(modelId, List.of(text("classify", text))).classifications().get(0);
        StringBuilder out = new StringBuilder();
        c.labels().forEach(l -> out.append(String.format(Locale.ROOT, "%.4f  %s%n", l.score(), l.label())));
        return out.length() == 0 ? "no label passed the threshold\n" : out.toString();
    }

    @Descriptor("Transforms a text with a text2text model (translation, summarisation, ...)")
    public String transform(@Descriptor("the model id, or 'default'") String modelId,
                            @Descriptor("the text (quote it, or give several words)") String... text) {
        return manager.transform(modelId, List.of(text("transform", text)), null).outputs().get(0) + "\n";
    }

    private static GenerationOptions options(String max, String temperature) {
        return GenerationOptions.builder().maxOutputLength(ShellOptions.whole("-n", max, 1, Integer.MAX_VALUE))
            .temperature(ShellOptions.number("-t", temperature, 0, 100)).build();
    }

    /** Prints each chunk as it arrives, then the finish reason and token counts; an interrupt cancels. */
    private static void stream(CommandSession session, Flow.Publisher<GenerationChunk> publisher)
        throws InterruptedException {
        PrintStream out = session.getConsole();
        CompletableFuture<GenerationChunk> done = new CompletableFuture<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        java.util.concurrent.atomic.AtomicBoolean printed = new java.util.concurrent.atomic.AtomicBoolean();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(GenerationChunk chunk) {
                if (!chunk.text().isEmpty()) {
                    printed.set(true);
                }
                out.print(chunk.text());
                out.flush();
                if (chunk.last()) {
                    done.complete(chunk);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        try {
            GenerationChunk last = done.get();
            TokenUsage usage = last == null ? TokenUsage.NONE : last.usage();
            out.println();
            out.printf(Locale.ROOT, "[%s, %d prompt + %d generated tokens]%n",
                last == null ? "done" : last.finishReason().name().toLowerCase(Locale.ROOT),
                usage.promptTokens(), usage.completionTokens());
        } catch (InterruptedException e) {
            // Ctrl-C: the generation stops, and that is all the interrupt asked for (no exception for the shell to
            // print by its class name).
            if (subscription[0] != null) {
                subscription[0].cancel();
            }
            out.println();
            out.println("[cancelled]");
        } catch (ExecutionException e) {
            if (printed.get()) {
                out.println(); // the error goes on a line of its own
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw ShellError.of(e.getCause());
        }
    }
}
