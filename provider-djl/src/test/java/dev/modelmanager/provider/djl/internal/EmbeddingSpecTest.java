package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.spi.ModelFiles;

/** What a model's sentence-transformers files say, as {@code SentenceTransformer(...)} reads them. */
class EmbeddingSpecTest {
    @TempDir
    Path dir;

    private ModelFiles files() {
        return new ModelFiles(dir, null, Map.of());
    }

    private void write(String path, String json) throws Exception {
        Files.createDirectories(dir.resolve(path).getParent());
        Files.writeString(dir.resolve(path), json);
    }

    @Test
    void withoutTheFilesMeanPoolingNormalisedAsBefore() {
        EmbeddingSpec spec = EmbeddingSpec.read(files(), Map.of());
        assertThat(spec.pooling()).containsExactly(Pooling.MEAN);
        assertThat(spec.normalize()).isTrue();
        assertThat(spec.origins()).containsEntry("pooling", "default").containsEntry("normalize", "default");
        assertThat(spec.maxLength()).isNull();
    }

    @Test
    void bgeSaysClsPoolingNormalisedLowerCased512() throws Exception {
        Path bge = Fixtures.MODELS.resolve("hub-layout/BAAI--bge-small-en-v1.5");
        EmbeddingSpec spec = EmbeddingSpec.read(new ModelFiles(bge, null, Map.of()), Map.of());
        assertThat(spec.pooling()).containsExactly(Pooling.CLS);
        assertThat(spec.origins()).containsEntry("pooling", "1_Pooling/config.json")
            .containsEntry("normalize", "modules.json").containsEntry("max.input.length", "sentence_bert_config.json");
        assertThat(spec.normalize()).isTrue();
        assertThat(spec.maxLength()).isEqualTo(512);
        assertThat(spec.lowerCase()).isTrue();
    }

    @Test
    void noNormalizeModuleMeansRawVectorsAndOptionsOverrideTheFiles() throws Exception {
        write("modules.json", """
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "pool", "type": "sentence_transformers.models.Pooling"}]""");
        write("pool/config.json", """
            {"word_embedding_dimension": 8, "pooling_mode_lasttoken": true, "include_prompt": false}""");
        EmbeddingSpec spec = EmbeddingSpec.read(files(), Map.of());
        assertThat(spec.normalize()).isFalse();
        assertThat(spec.pooling()).containsExactly(Pooling.LAST_TOKEN);
        assertThat(spec.origins()).containsEntry("pooling", "pool/config.json");
        assertThat(spec.includePrompt()).isFalse();

        EmbeddingSpec overridden = EmbeddingSpec.read(files(), Map.of("pooling", "mean", "normalize", "true"));
        assertThat(overridden.pooling()).containsExactly(Pooling.MEAN);
        assertThat(overridden.normalize()).isTrue();
        assertThat(overridden.origins()).containsEntry("pooling", "option.pooling")
            .containsEntry("normalize", "option.normalize");
    }

    @Test
    void namedPromptsAndTheDefaultOne() throws Exception {
        write("config_sentence_transformers.json", """
            {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": "passage"}""");
        EmbeddingSpec spec = EmbeddingSpec.read(files(), Map.of());
        assertThat(spec.prompts()).containsEntry("query", "query: ").containsEntry("passage", "passage: ");
        assertThat(spec.defaultPrompt()).isEqualTo("passage");
        assertThat(EmbeddingSpec.read(files(), Map.of("prompt_name", "query")).defaultPrompt()).isEqualTo("query");
        assertThatThrownBy(() -> EmbeddingSpec.read(files(), Map.of("prompt_name", "title")))
            .isInstanceOf(ModelException.class).hasMessageContaining("option.prompt_name")
            .hasMessageContaining("it has query, passage");
    }

    @Test
    void badPoolingOptionsAndBrokenFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> EmbeddingSpec.read(files(), Map.of("pooling", "median")))
            .hasMessageContaining("option.pooling").hasMessageContaining("unknown pooling 'median'");
        write("modules.json", "[{not json");
        assertThatThrownBy(() -> EmbeddingSpec.read(files(), Map.of())).hasMessageContaining("modules.json")
            .hasMessageContaining("not valid JSON");
        assertThat(List.of(EmbeddingSpec.FILES.toArray())).contains("modules.json", "1_Pooling/config.json");
    }
}
