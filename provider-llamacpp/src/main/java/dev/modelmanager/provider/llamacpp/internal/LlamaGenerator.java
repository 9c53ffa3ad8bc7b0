package dev.modelmanager.provider.llamacpp.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.OutputSchema;
import de.kherud.llama.Pair;
import de.kherud.llama.SlotPin;
import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ResponseFormat;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.api.spi.ChatModel;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.TokenSink;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/**
 * Text generation and chat on a loaded GGUF model. Every call streams token by token from llama.cpp's server
 * loop: calls run at once in its parallel slots, sharing each decode step (continuous batching), and the manager
 * gives the model as many calls at once as it has slots ({@link #concurrency()}). Each call is pinned to the slot
 * the {@link SlotTable} picks, the one already holding the longest prefix of its prompt, with the prompt cache on: a
 * conversation's next turn computes only what is new, and its usage says how many prompt tokens were cached. When
 * the sink answers {@code false} the native task is cancelled at once. A call without a maximum generates at most
 * what its slot's context has room for after the prompt (finishing with {@code length}); a maximum that does not fit
 * beside the prompt, and a prompt that fills the context, are refused naming the numbers.
 */
final class LlamaGenerator extends LlamaInstance implements GenerationModel, ChatModel {
    /** How llama.cpp's error (JSON, inside the exception's message) begins when it could not use a schema. */
    private static final String SCHEMA_ERROR = "\\\"json_schema\\\":";

    private final int defaultMaxOutput;
    private final int contextPerSlot;
    private final SlotTable slots;
    private final int bos;

    LlamaGenerator(String modelId, LlamaModel model, GgufFile gguf, long measuredBytes, MemoryEstimate estimate,
                   Map<String, String> facts, Runnable release, int defaultMaxOutput, int contextPerSlot, int slots) {
        super(modelId, model, gguf, measuredBytes, estimate, facts, release);
        this.defaultMaxOutput = defaultMaxOutput;
        this.contextPerSlot = contextPerSlot;
        this.slots = new SlotTable(slots);
        this.bos = addsBos(gguf) ? gguf.number("tokenizer.ggml.bos_token_id").map(Long::intValue).orElse(-1) : -1;
    }

    /**
     * Free text, any JSON object, or JSON valid against a schema: llama.cpp turns the schema into a grammar and
     * samples every token under it, so the text cannot leave the shape (it can be cut short by the token limit).
     */
    @Override
    public Set<ResponseFormat.Kind> responseFormats() {
        return EnumSet.allOf(ResponseFormat.Kind.class);
    }

    /** One call per slot: llama.cpp decodes them together. */
    @Override
    public int concurrency() {
        return slots.slots();
    }

    /**
     * Whether llama.cpp puts a begin-of-text token before a completion's prompt: the file's
     * {@code tokenizer.ggml.add_bos_token}, else llama.cpp's default for the tokenizer (SentencePiece: yes).
     */
    private static boolean addsBos(GgufFile gguf) {
        Object flag = gguf.metadata().get("tokenizer.ggml.add_bos_token");
        if (flag instanceof Boolean b) {
            return b;
        }
        return "llama".equals(gguf.string("tokenizer.ggml.model").orElse(""));
    }

    /** The prompt's tokens as llama.cpp's server tokenizes a completion's prompt (special tokens parsed, BOS added). */
    private int[] promptTokens(String prompt) {
        int[] text = model.encode(prompt);
        if (bos < 0 || (text.length > 0 && text[0] == bos)) {
            return text;
        }
        int[] ids = new int[text.length + 1];
        ids[0] = bos;
        System.arraycopy(text, 0, ids, 1, text.length);
        return ids;
    }

    @Override
    public Completion generate(String prompt, GenerationOptions options, TokenSink sink) throws Exception {
        return call(() -> run(prompt, options, sink));
    }

    @Override
    public Completion chat(List<ChatMessage> messages, GenerationOptions options, TokenSink sink) throws Exception {
        return call(() -> run(chatPrompt(messages), options, sink));
    }

    /**
     * The conversation rendered with the model's own chat template; llama.cpp falls back to ChatML when the file
     * has none (the model's {@code chat.template} detail says which).
     */
    private String chatPrompt(List<ChatMessage> messages) {
        String system = null;
        List<Pair<String, String>> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role() == ChatMessage.Role.SYSTEM && system == null && turns.isEmpty()) {
                system = m.content();
            } else if (m.role() == ChatMessage.Role.SYSTEM) {
                // java-llama.cpp 4.2.0 takes one system message, before the turns (it refuses others untyped)
                throw ModelException.invalidInput(modelId, "messages[" + i + "]", "llama.cpp models take one system "
                    + "message, the first; merge this one into it");
            } else {
                turns.add(new Pair<>(m.role().name().toLowerCase(java.util.Locale.ROOT), m.content()));
            }
        }
        return model.applyTemplate(new InferenceParameters("").setMessages(system, turns));
    }

    private Completion run(String prompt, GenerationOptions options, TokenSink sink) {
        int[] promptIds = promptTokens(prompt);
        int promptTokens = promptIds.length;
        if (promptTokens >= contextPerSlot) {
            throw ModelException.invalidInput(modelId, "prompt", "has " + promptTokens + " tokens; the model's "
                + "context per slot holds " + contextPerSlot + " (prompt and output together; option n_ctx)");
        }
        Integer asked = options.maxOutputLength();
        if (asked != null && (long) promptTokens + asked > contextPerSlot) {
            throw ModelException.invalidInput(modelId, "max_output_length", "the prompt's " + promptTokens
                + " tokens and max_output_length " + asked + " exceed the model's context per slot of " + contextPerSlot
                + " tokens; at most " + (contextPerSlot - promptTokens) + " can be generated after this prompt"
                + " (option n_ctx sets the context per slot)");
        }
        int max = asked != null ? asked : Math.min(defaultMaxOutput, contextPerSlot - promptTokens);
        InferenceParameters params = new InferenceParameters(prompt).setNPredict(max).setCachePrompt(true);
        if (options.temperature() != null) {
            if (options.temperature() > Float.MAX_VALUE) {
                // as a float it would be Infinity, which llama.cpp's JSON parser cannot read: the JVM would abort
                throw ModelException.invalidInput(modelId, "temperature", "llama.cpp takes at most "
                    + Float.MAX_VALUE + ", was " + options.temperature());
            }
            params.setTemperature(options.temperature().floatValue());
        }
        if (options.topK() != null) {
            params.setTopK(options.topK());
        }
        if (options.topP() != null) {
            params.setTopP(options.topP().floatValue());
        }
        if (options.seed() != null) {
            params.setSeed(nativeSeed(options.seed()));
        }
        if (Boolean.parseBoolean(options.extra().getOrDefault("ignore_eos", "false"))) {
            params.setIgnoreEos(true); // for measurements: always generate max_output_length tokens
        }
        if (!options.stop().isEmpty()) {
            params.setStopStrings(options.stop().toArray(String[]::new));
        }
        switch (options.format().kind()) {
            case JSON_OBJECT -> OutputSchema.constrain(params, "{\"type\": \"object\"}");
            case JSON_SCHEMA -> OutputSchema.constrain(params,
                JsonSyntax.requireSchema(options.format().schema(), "response_format.schema"));
            case TEXT -> {
                // free text
            }
        }
        SlotTable.Lease lease = slots.acquire(promptIds);
        if (lease != null) {
            SlotPin.pin(params, lease.slot());
        }
        StringBuilder text = new StringBuilder();
        int heldText = 0; // the text whose tokens the slot's cache holds: all but the last piece
        int tokens = 0;
        FinishReason reason = FinishReason.STOP;
        boolean done = false;
        try {
            LlamaIterator it = start(params);
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                if (out.text.isEmpty()) {
                    continue;
                }
                tokens++;
                heldText = text.length();
                text.append(out.text);
                if (!sink.accept(out.text)) {
                    it.cancel();
                    reason = FinishReason.CANCELLED;
                    break;
                }
            }
            done = true;
        } finally {
            if (lease != null) {
                release(lease, done, prompt, text.substring(0, heldText), promptIds);
            }
        }
        if (reason == FinishReason.STOP && tokens >= max) {
            reason = FinishReason.LENGTH;
        }
        return new Completion(text.toString(), reason,
            new TokenUsage(promptTokens, tokens, lease == null ? 0 : lease.cachedTokens()));
    }

    /**
     * Starts the native task. A schema llama.cpp cannot turn into a grammar (a pattern without ^...$, a reference to
     * nothing) is the caller's to fix: {@code INVALID_INPUT} naming {@code response_format.schema}, with llama.cpp's
     * reason.
     */
    private LlamaIterator start(InferenceParameters params) {
        try {
            return model.generate(params).iterator();
        } catch (RuntimeException e) {
            // java-llama.cpp's LlamaException is not public: known by name
            String message = String.valueOf(e.getMessage());
            int at = message.indexOf(SCHEMA_ERROR);
            if (at < 0 || !"de.kherud.llama.LlamaException".equals(e.getClass().getName())) {
                throw e;
            }
            String reason = message.substring(at + SCHEMA_ERROR.length());
            int end = reason.indexOf("\",\"type\"");
            reason = (end < 0 ? reason : reason.substring(0, end)).replace("\\n", " ").replace("\\\"", "\"").strip();
            throw ModelException.invalidInput(modelId, "response_format.schema", "llama.cpp cannot make a grammar of "
                + "it: " + reason);
        }
    }

    /**
     * Gives a slot back holding its prompt's tokens and those of {@code output} (the output its cache took in, as the
     * next turn's prompt carries it after this one: tokenised together, the way that prompt will be), or holding
     * nothing known after a failure.
     */
    private void release(SlotTable.Lease lease, boolean done, String prompt, String output, int[] promptIds) {
        if (!done) {
            slots.forget(lease);
            return;
        }
        try {
            slots.release(lease, output.isEmpty() ? promptIds : promptTokens(prompt + output));
        } catch (RuntimeException e) {
            slots.forget(lease);
        }
    }

    /**
     * A 64-bit seed (OpenAI's are) as llama.cpp's 32-bit one: one that fits is taken as it is; a larger one is mixed
     * (SplitMix64's finaliser) so that seeds differing only in their high bits stay apart. Never -1 (0xFFFFFFFF),
     * which llama.cpp takes for "a random seed".
     */
    static int nativeSeed(long seed) {
        int value;
        if (seed == (int) seed) {
            value = (int) seed;
        } else {
            long z = seed + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            value = (int) (z ^ (z >>> 31));
        }
        return value == -1 ? 0x7FFF_FFFF : value;
    }
}
