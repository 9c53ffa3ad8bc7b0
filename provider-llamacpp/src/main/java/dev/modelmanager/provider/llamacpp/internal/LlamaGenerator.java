package dev.modelmanager.provider.llamacpp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.Pair;
import dev.modelmanager.api.ChatMessage;
import dev.modelmanager.api.FinishReason;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.TokenUsage;
import dev.modelmanager.api.spi.ChatModel;
import dev.modelmanager.api.spi.Completion;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.TokenSink;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/**
 * Text generation and chat on a loaded GGUF model. Every call streams token by token from llama.cpp's server
 * loop (several calls run at once in its parallel slots, with the prompt cache on); when the sink answers
 * {@code false} the native task is cancelled at once. A call generates at most what its slot's context has room
 * for after the prompt (finishing with {@code length}); a prompt that fills the context is refused.
 */
final class LlamaGenerator extends LlamaInstance implements GenerationModel, ChatModel {
    private final int defaultMaxOutput;
    private final int contextPerSlot;

    LlamaGenerator(String modelId, LlamaModel model, GgufFile gguf, long measuredBytes, MemoryEstimate estimate,
                   Map<String, String> facts, Runnable release, int defaultMaxOutput, int contextPerSlot) {
        super(modelId, model, gguf, measuredBytes, estimate, facts, release);
        this.defaultMaxOutput = defaultMaxOutput;
        this.contextPerSlot = contextPerSlot;
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
        for (ChatMessage m : messages) {
            if (m.role() == ChatMessage.Role.SYSTEM && system == null && turns.isEmpty()) {
                system = m.content();
            } else {
                turns.add(new Pair<>(m.role().name().toLowerCase(java.util.Locale.ROOT), m.content()));
            }
        }
        return model.applyTemplate(new InferenceParameters("").setMessages(system, turns));
    }

    private Completion run(String prompt, GenerationOptions options, TokenSink sink) {
        int promptTokens = model.encode(prompt).length;
        if (promptTokens >= contextPerSlot) {
            throw ModelException.invalidInput(modelId, "prompt", "has " + promptTokens + " tokens; the model's "
                + "context per slot holds " + contextPerSlot + " (prompt and output together; option n_ctx)");
        }
        int asked = options.maxOutputLength() != null ? options.maxOutputLength() : defaultMaxOutput;
        int max = Math.min(asked, contextPerSlot - promptTokens);
        InferenceParameters params = new InferenceParameters(prompt).setNPredict(max).setCachePrompt(true);
        if (options.temperature() != null) {
            params.setTemperature(options.temperature().floatValue());
        }
        if (options.topK() != null) {
            params.setTopK(options.topK());
        }
        if (options.topP() != null) {
            params.setTopP(options.topP().floatValue());
        }
        if (options.seed() != null) {
            params.setSeed((int) (long) options.seed());
        }
        if (Boolean.parseBoolean(options.extra().getOrDefault("ignore_eos", "false"))) {
            params.setIgnoreEos(true); // for measurements: always generate max_output_length tokens
        }
        if (!options.stop().isEmpty()) {
            params.setStopStrings(options.stop().toArray(String[]::new));
        }
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        FinishReason reason = FinishReason.STOP;
        LlamaIterator it = model.generate(params).iterator();
        while (it.hasNext()) {
            LlamaOutput out = it.next();
            if (out.text.isEmpty()) {
                continue;
            }
            tokens++;
            text.append(out.text);
            if (!sink.accept(out.text)) {
                it.cancel();
                reason = FinishReason.CANCELLED;
                break;
            }
        }
        if (reason == FinishReason.STOP && tokens >= max) {
            reason = FinishReason.LENGTH;
        }
        return new Completion(text.toString(), reason, new TokenUsage(promptTokens, tokens));
    }
}
