package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a failed shell command prints (Gogo prints the exception): the sentence and its code, no class name. */
class ModelExceptionTest {
    @Test
    void itReadsAsASentenceWithItsCode() {
        ModelException e = new ModelException(ErrorCode.NOT_REGISTERED, "nope", "no model is registered under this id");
        assertThat(e).hasToString("model 'nope': no model is registered under this id [NOT_REGISTERED]");
        assertThat(e.toString()).doesNotContain("dev.modelmanager");
        assertThat(ModelException.invalidInput(null, "texts", "must not be empty").toString())
            .isEqualTo("texts: must not be empty [INVALID_INPUT]");
    }
}
