package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import de.kherud.llama.LlamaModel;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;

/**
 * {@code native_library_path}: the user's library is the one that runs, not the bundled build beside it. (A library
 * that reaches back into Java while it loads, as libjllama's {@code JNI_OnLoad} does, used to have java-llama.cpp
 * extract and load the bundled build first, whose native methods then answered.) The user's library here is a copy
 * of the bundled one in a folder of its own; what is checked is which file the process has mapped. Its own JVM, as
 * every test class of this module: a JNI library loads once.
 */
class UserBuiltLibraryTest {

    @Test
    void theLibraryInNativeLibraryPathIsTheOneLoadedAndNothingIsExtracted() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs /proc/self/maps (Linux)");
        String resource = "/de/kherud/llama/Linux/" + ("aarch64".equals(System.getProperty("os.arch")) ? "aarch64"
            : "x86_64") + "/libjllama.so";
        Path userFolder = Files.createTempDirectory("user-built-llama");
        try (InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
            assumeTrue(in != null, "no bundled library for this platform");
            Files.copy(in, userFolder.resolve("libjllama.so"));
        }
        Path nativeDir = Files.createTempDirectory("natives");

        LlamaCppProvider provider = new LlamaCppProvider(new LlamaCppSettings(nativeDir, userFolder, 2048, 4, 0, 0, 64, 2));

        assertThat(provider.unavailableReason()).isNull();
        List<String> mapped;
        try (Stream<String> lines = Files.lines(maps)) {
            mapped = lines.filter(l -> l.contains("jllama")).map(l -> l.substring(l.indexOf('/'))).distinct().toList();
        }
        assertThat(mapped).containsExactly(userFolder.resolve("libjllama.so").toRealPath().toString());
        try (Stream<Path> extracted = Files.list(nativeDir)) {
            assertThat(extracted).as("nothing extracted into " + nativeDir).isEmpty();
        }

        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        try {
            manager.bindProvider(provider, Map.of("service.id", 1L));
            manager.register("stories", ModelRequirement.builder(ModelType.TEXT_GENERATION, "stories260K")
                .path(LlamaGenerationTest.STORIES.toString()).build(), "test");
            assertThat(manager.generate("stories", "Once upon a time", LlamaGenerationTest.GREEDY).text()).isNotBlank();
        } finally {
            manager.close();
        }
    }
}
