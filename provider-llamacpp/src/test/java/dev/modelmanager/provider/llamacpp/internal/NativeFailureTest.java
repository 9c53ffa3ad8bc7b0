package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.ProviderInfo;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * A native library that cannot load leaves the provider unavailable with the reason, and the framework working.
 * (Its own JVM: once a JNI library failed or loaded, the JVM keeps that outcome.)
 */
class NativeFailureTest {

    @Test
    void aBrokenNativeLibraryMakesTheProviderUnavailableNotTheFrameworkDead() throws Exception {
        Path folder = Files.createTempDirectory("broken-native");
        Files.writeString(folder.resolve("libjllama.so"), "this is not a shared library");
        LlamaCppSettings settings = new LlamaCppSettings(Files.createTempDirectory("natives"), folder, 2048, 4, 0, 0, 64, 2);
        LlamaCppProvider provider = new LlamaCppProvider(settings);
        assertThat(provider.unavailableReason()).contains("the llama.cpp native library failed to load");

        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        try {
            manager.bindProvider(provider, Map.of("service.id", 1L));
            ProviderInfo info = manager.status().providers().get(0);
            assertThat(info.problem()).contains("failed to load");
            manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
                .path(LlamaGenerationTest.STORIES.toString()).build(), "test");
            ModelInfo model = manager.info("stories");
            assertThat(model.status()).isEqualTo(ModelStatus.WAITING_FOR_PROVIDER);
            assertThat(model.reason()).contains("llamacpp: the llama.cpp native library failed to load");
        } finally {
            manager.close();
        }
    }

    @Test
    void aLibraryFileUnderAnotherNameIsRefusedWithTheNameItNeeds() throws Exception {
        // java-llama.cpp looks for libjllama.so in the folder: a file named otherwise would be passed over for the
        // bundled build, so it is refused, saying what to give instead.
        Path file = Files.createTempDirectory("renamed-native").resolve("libjllama-cuda.so");
        Files.writeString(file, "never loaded");
        LlamaCppProvider provider = new LlamaCppProvider(
            new LlamaCppSettings(Files.createTempDirectory("natives"), file, 2048, 4, 0, 0, 64, 2));
        assertThat(provider.unavailableReason()).contains(file + " is not named libjllama.so",
            "name the folder that holds libjllama.so");
    }
}
