package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;

/** A Hub source named by its quantization ({@code quant=Q4_K_M}) is a GGUF source: llama.cpp serves it. */
class QuantSourceTest {
    @Test
    void aQuantizationNamesAGgufFile() {
        LlamaCppProvider provider = new LlamaCppProvider(LlamaCppSettings.defaults());
        ModelRequirement byQuant = ModelRequirement.builder(ModelType.TEXT_GENERATION, "Qwen/Qwen2.5-0.5B-Instruct-GGUF")
            .source(new ModelSource.Hub("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "main", List.of(), "Q4_K_M")).build();
        ModelRequirement bare = ModelRequirement.builder(ModelType.TEXT_GENERATION, "Qwen/Qwen2.5-0.5B-Instruct")
            .build();
        assertThat(provider.assess(byQuant).isSupported()).isTrue();
        assertThat(provider.assess(bare).isSupported()).as("no .gguf named").isFalse();
    }
}
