package dev.modelmanager.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.RequirementProperties;
import dev.modelmanager.api.spi.ModelFiles;

/**
 * GGUF by quantization from a Hub repository ({@code quant=Q4_K_M}, {@code hf.co/<repo>:<quant>}): the repository's
 * files listed through the tree API (paged), the file of that quantization picked, split files fetched in full,
 * and, when the tag matches none, the quantizations the repository has; offline, from the cache.
 */
class GgufQuantTest {
    private static final String REPO = "Qwen/Qwen2.5-0.5B-Instruct-GGUF";

    @TempDir
    Path work;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private FakeHub hub() throws Exception {
        return new FakeHub()
            .file(REPO, "README.md", bytes("readme"))
            .lfsFile(REPO, "qwen2.5-0.5b-instruct-q4_k_m.gguf", bytes("GGUF q4"))
            .lfsFile(REPO, "qwen2.5-0.5b-instruct-q8_0.gguf", bytes("GGUF q8"))
            .lfsFile(REPO, "qwen2.5-0.5b-instruct-fp16-00001-of-00002.gguf", bytes("GGUF f16 a"))
            .lfsFile(REPO, "qwen2.5-0.5b-instruct-fp16-00002-of-00002.gguf", bytes("GGUF f16 b"))
            .lfsFile(REPO, "mmproj-q4_k_m.gguf", bytes("projector"));
    }

    private SourceResolver resolver(String endpoint, boolean offline) {
        HubSettings settings = new HubSettings(endpoint, null, work.resolve("hub"), offline, false,
            Duration.ofSeconds(2), Duration.ofSeconds(2));
        return new SourceResolver(new HubClient(settings), ResourceLocator.of(getClass().getClassLoader()),
            work.resolve("resources"));
    }

    @Test
    void theFileOfTheQuantizationIsPickedAndFetched() throws Exception {
        try (FakeHub hub = hub()) {
            hub.treePageSize = 2; // the listing comes in pages
            ModelFiles files = resolver(hub.endpoint(), false).resolve(new ModelSource.Hub(REPO, "main", List.of(),
                "Q4_K_M"), List.of());
            assertThat(files.files()).containsOnlyKeys("qwen2.5-0.5b-instruct-q4_k_m.gguf");
            assertThat(Files.readString(files.main())).isEqualTo("GGUF q4");
        }
    }

    @Test
    void aSplitModelIsFetchedInFullAndLoadsFromItsFirstPart() throws Exception {
        try (FakeHub hub = hub()) {
            ModelFiles files = resolver(hub.endpoint(), false).resolve(new ModelSource.Hub(REPO, "main", List.of(),
                "fp16"), List.of());
            assertThat(files.files()).containsOnlyKeys("qwen2.5-0.5b-instruct-fp16-00001-of-00002.gguf",
                "qwen2.5-0.5b-instruct-fp16-00002-of-00002.gguf");
            assertThat(files.main().getFileName().toString()).endsWith("-00001-of-00002.gguf");
        }
    }

    @Test
    void aTagThatMatchesNothingSaysWhichQuantizationsExist() throws Exception {
        try (FakeHub hub = hub()) {
            assertThatThrownBy(() -> resolver(hub.endpoint(), false).verify(new ModelSource.Hub(REPO, "main",
                List.of(), "Q5_K_M"), List.of())).isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("no GGUF file of quantization Q5_K_M")
                        .contains("FP16, Q4_K_M, Q8_0").doesNotContain("mmproj");
                });
        }
    }

    @Test
    void incompleteSplitsAndAmbiguousTagsAreRefusedNamingTheFiles() {
        assertThatThrownBy(() -> GgufQuant.pick(REPO, "Q6_K", List.of("m-Q6_K-00001-of-00003.gguf",
            "m-Q6_K-00002-of-00003.gguf"))).hasMessageContaining("2 of the 3 parts of m-Q6_K");
        assertThatThrownBy(() -> GgufQuant.pick(REPO, "Q4_0", List.of("a-Q4_0.gguf", "b-Q4_0.gguf")))
            .hasMessageContaining("several GGUF models").hasMessageContaining("a-Q4_0.gguf, b-Q4_0.gguf");
        assertThat(GgufQuant.pick(REPO, "q4_k_m", List.of("Q4_K_M/model-Q4_K_M.gguf", "model-Q4_K_S.gguf")))
            .as("case-insensitive, a word of the name, in a folder").containsExactly("Q4_K_M/model-Q4_K_M.gguf");
        assertThat(GgufQuant.pick(REPO, "Q6_K", List.of("m-Q6_K.gguf", "m-Q6_K_L.gguf")))
            .as("a shorter tag is not a prefix of a longer one").containsExactly("m-Q6_K.gguf");
        assertThatThrownBy(() -> GgufQuant.pick(REPO, "Q4_0", List.of("m-Q4_0_4_4.gguf")))
            .hasMessageContaining("no GGUF file of quantization Q4_0");
    }

    @Test
    void offlineTheCacheSaysWhichFilesTheRevisionHas() throws Exception {
        try (FakeHub hub = hub()) {
            resolver(hub.endpoint(), false).resolve(new ModelSource.Hub(REPO, "main", List.of(), "Q8_0"), List.of());
        }
        ModelFiles offline = resolver("http://127.0.0.1:9", true).resolve(new ModelSource.Hub(REPO, "main", List.of(),
            "Q8_0"), List.of());
        assertThat(Files.readString(offline.main())).isEqualTo("GGUF q8");
    }

    @Test
    void theShortFormOllamaUsersKnowAndTheQuantKeyAreRead() {
        ModelRequirement shortForm = RequirementProperties.parse(Map.of("model_type", "text_generation",
            "name", "hf.co/" + REPO + ":Q8_0"));
        assertThat(shortForm.name()).isEqualTo(REPO);
        assertThat(shortForm.source()).isEqualTo(new ModelSource.Hub(REPO, "main", List.of(), "Q8_0"));
        ModelRequirement keyed = RequirementProperties.parse(Map.of("model_type", "text_generation", "name", "qwen",
            "hub", REPO, "quant", "Q4_K_M"));
        assertThat(keyed.source()).isEqualTo(new ModelSource.Hub(REPO, "main", List.of(), "Q4_K_M"));
        assertThat(RequirementProperties.parse(RequirementProperties.format(keyed))).isEqualTo(keyed);
        assertThat(RequirementProperties.parse(Map.of("model_type", "text_generation", "name", "x",
            "hub", "hf.co/" + REPO)).source()).as("no tag: Q4_K_M, as Ollama")
            .isEqualTo(new ModelSource.Hub(REPO, "main", List.of(), "Q4_K_M"));
        assertThatThrownBy(() -> RequirementProperties.parse(Map.of("model_type", "text_generation", "name", "x",
            "hub", REPO, "quant", "Q4_K_M", "files", "a.gguf"))).hasMessageContaining("either quant or files");
        assertThat(shortForm.source().describe()).isEqualTo("hub:" + REPO + "@main:Q8_0");
    }
}
