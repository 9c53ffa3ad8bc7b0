package dev.modelmanager.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.GenerationOptions;

/** A loaded model that continues a prompt. */
@ConsumerType
public interface GenerationModel extends LoadedModel {
    /**
     * Generates a continuation. {@code options} already hold the requirement's defaults.
     *
     * @param sink receives each piece as it is produced (also when the caller does not stream); when it returns
     *             {@code false} the caller is gone (cancelled, or the model is unloading): stop the work at once
     *             and finish with {@code CANCELLED}
     */
    Completion generate(String prompt, GenerationOptions options, TokenSink sink) throws Exception;
}
