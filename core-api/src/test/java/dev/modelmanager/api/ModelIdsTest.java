package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelIdsTest {

    @Test
    void idsAreWhatEveryFaceAddressesUnencoded() {
        assertThat(ModelIds.isValid("minilm")).isTrue();
        assertThat(ModelIds.isValid("ft:gpt-4o:acme:v2")).isTrue();
        assertThat(ModelIds.isValid("qwen2.5-0.5b@q4_k_m")).isTrue();
        assertThat(ModelIds.isValid("a".repeat(ModelIds.MAX_LENGTH))).isTrue();
        assertThat(ModelIds.isValid("a".repeat(ModelIds.MAX_LENGTH + 1))).isFalse();
        assertThat(ModelIds.isValid("org/model")).as("a path separator").isFalse();
        assertThat(ModelIds.isValid("-x")).isFalse();
        assertThat(ModelIds.isValid("a b")).isFalse();
        assertThat(ModelIds.isValid("a%2Fb")).isFalse();
        assertThat(ModelIds.isValid("(model.id=*)")).isFalse();
        assertThat(ModelIds.isValid(ModelManager.DEFAULT_MODEL)).isFalse();
        assertThat(ModelIds.isValid(null)).isFalse();
    }

    @Test
    void aHubStyleIdIsRefusedSayingWhereTheSlashBelongsAndWhatToUseInstead() {
        assertThat(ModelIds.problem("org/model")).contains("'org/model'", "name=org/model", "'org--model'");
        assertThatThrownBy(() -> ModelIds.check("model_id", "org/model")).isInstanceOfSatisfying(ModelException.class,
            e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUIREMENT);
                assertThat(e.field()).isEqualTo("model_id");
            });
        assertThat(ModelIds.problem("default")).contains("reserved");
    }

    @Test
    void suggestionsAreValidIds() {
        assertThat(ModelIds.suggest("sentence-transformers/all-MiniLM-L6-v2"))
            .isEqualTo("sentence-transformers--all-MiniLM-L6-v2");
        assertThat(ModelIds.suggest("  my model ")).isEqualTo("my-model-");
        assertThat(ModelIds.suggest("/// ")).isNull();
        assertThat(ModelIds.suggest("é/x")).isEqualTo("x");
        assertThat(ModelIds.suggest("x".repeat(300))).hasSize(ModelIds.MAX_LENGTH);
        for (String text : new String[] {"a/b/c", "ü-ber", "x y:z", "1/2"}) {
            assertThat(ModelIds.isValid(ModelIds.suggest(text))).as(text).isTrue();
        }
    }
}
