package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.GenerationOptions;

/** A loaded encoder-decoder model that maps each input text to an output text. */
@ConsumerType
public interface Text2TextModel extends LoadedModel {
    /** One output per input, in order. {@code options} already hold the requirement's defaults. */
    List<String> transform(List<String> inputs, GenerationOptions options) throws Exception;
}
