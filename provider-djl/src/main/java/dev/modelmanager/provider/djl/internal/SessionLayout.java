package dev.modelmanager.provider.djl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;

/**
 * How a model's graph goes onto the provider's {@link OrtRuntime}: whether its texts run one per run or batched, and
 * the sessions it gets (how wide its runs are, whether a second, wide session stays). Each choice is written into
 * the model's details with its reason.
 */
final class SessionLayout {
    private final OrtRuntime runtime;

    SessionLayout(OrtRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Whether every text runs alone: for dynamically quantized graphs (padding changes their vectors) unless the
     * requirement says {@code batching=throughput}, or always with {@code batching=single}. Says which in the details.
     */
    boolean alone(ModelRequirement req, Path onnx, Map<String, String> details) {
        String option = req.options().getOrDefault("batching", "").strip().toLowerCase(java.util.Locale.ROOT);
        if (!option.isEmpty() && !option.equals("throughput") && !option.equals("single") && !option.equals("exact")) {
            throw ModelException.invalidRequirement("option.batching", "must be exact, throughput or single, was '"
                + option + "'");
        }
        boolean quantized;
        try {
            quantized = OnnxGraphs.dynamicallyQuantized(onnx);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.LOAD_FAILED, null, "file", "cannot read " + onnx + ": " + e.getMessage(), e);
        }
        OrtRuntime.Settings s = runtime.settings();
        String together = "texts of similar length together, up to " + s.maxBatchTexts() + " texts and "
            + s.maxBatchTokens() + " padded tokens a run";
        boolean alone = option.equals("single") || quantized && !option.equals("throughput");
        String why = option.equals("single") ? "option.batching=single"
            : quantized ? (alone ? "dynamically quantized: padding would change its vectors"
                : "option.batching=throughput: vectors depend on their batch") : "exact with the attention mask";
        details.put("batching", (alone ? "one text per run" : together) + " (" + why + ")");
        return alone;
    }

    /**
     * The graph, in the sessions {@link OrtRuntime} lays out for it: runs that share the device as wide as
     * {@link OrtRuntime#threadsPerRun} says, and a wide session too when the graph is small enough; else a batching
     * model's runs go one at a time on the whole budget, and a model that runs each text alone keeps only its
     * single-threaded runs. The details say which.
     */
    OnnxModel open(Path onnx, Map<String, String> details, boolean alone, Tokens tokens) {
        String device = details.get("device");
        int threads = runtime.threadsPerRun(device, alone);
        long bytes;
        try {
            bytes = Files.size(onnx);
        } catch (IOException e) {
            bytes = -1;
        }
        boolean wideToo = runtime.wideSessionToo(device, threads, bytes);
        if (!wideToo && !alone && threads < runtime.wideThreads(device)) { // on a GPU both are 1
            // a batching model too big for two sessions: one, as wide as the budget (its runs are big enough to use
            // it); a model that runs each text alone keeps its single-threaded runs side by side
            threads = runtime.wideThreads(device);
        }
        String budget = " (the provider's budget: " + runtime.settings().threads() + " cores for all its models)";
        details.put("threads", threads + " thread(s) a run, " + runtime.runsAtOnce(device, threads) + " run(s) at once"
            + (wideToo ? "; a run alone on the device: " + runtime.wideThreads(device) + " threads (a second session)"
                : "") + budget);
        OnnxModel model = new OnnxModel(runtime, onnx, device, threads, wideToo);
        try {
            String wide = model.keepWideIfFaster(TokenBatch.of(List.of(tokens.encoding(CALIBRATION_TEXT))).inputs());
            if (wide != null) {
                details.put("wide.session", wide);
                if (model.sessions() == 1) {
                    details.put("threads", threads + " thread(s) a run, " + runtime.runsAtOnce(device, threads)
                        + " run(s) at once" + budget);
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** A sentence of ordinary length, to time a model's runs with at load. */
    private static final String CALIBRATION_TEXT = "A young engineer carefully studied the results of the long "
        + "experiment on the morning train.";
}
