package dev.modelmanager.core.internal.lifecycle;

import java.util.List;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.GenerationOptions;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.ClassificationModel;
import dev.modelmanager.api.spi.EmbeddingModel;
import dev.modelmanager.api.spi.GenerationModel;
import dev.modelmanager.api.spi.LoadedModel;
import dev.modelmanager.api.spi.Text2TextModel;

/**
 * {@code warmup=true}: one standard call on a freshly loaded instance, on the loading thread and inside the load
 * timeout, before the instance takes calls, so that lazy initialisation (kernels chosen, buffers allocated, caches
 * filled) is paid by the load and not by the first caller. A failing warm-up fails the load.
 */
final class Warmup {
    static final String TEXT = "Warm-up: the quick brown fox jumps over the lazy dog.";
    private static final GenerationOptions ONE_TOKEN = GenerationOptions.builder().maxOutputLength(1).temperature(0.0)
        .build();

    private Warmup() {
    }

    /** Runs the call when the requirement asks for it; answers how long it took in milliseconds, -1 if not asked. */
    static long run(String modelId, ModelRequirement req, LoadedModel model) {
        if (!req.warmup()) {
            return -1;
        }
        long start = System.nanoTime();
        try {
            switch (req.modelType()) {
                case EMBEDDING -> ((EmbeddingModel) model).embed(List.of(TEXT));
                case CLASSIFICATION -> ((ClassificationModel) model).classify(List.of(TEXT));
                case TEXT2TEXT -> ((Text2TextModel) model).transform(List.of(TEXT), ONE_TOKEN);
                case TEXT_GENERATION -> ((GenerationModel) model).generate(TEXT, ONE_TOKEN, piece -> true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "interrupted during the warm-up call", e);
        } catch (Exception e) {
            throw new ModelException(ErrorCode.LOAD_FAILED, modelId, "the warm-up call failed: " + e, e);
        }
        return Math.max(0, (System.nanoTime() - start) / 1_000_000);
    }
}
