package dev.modelmanager.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ModelException;

class ApiErrorTest {
    @Test
    void theOpenAiFaceNamesTheOutputLimitMaxTokens() {
        ModelException tooLong = ModelException.invalidInput("tiny", "max_output_length", "the prompt's 7 tokens and "
            + "max_output_length 4096 exceed the model's context per slot of 2048 tokens");
        ApiError openAi = ApiError.openAi(tooLong, null);
        assertThat(openAi.status).isEqualTo(400);
        assertThat(openAi.param).isEqualTo("max_tokens");
        assertThat(openAi.getMessage()).contains("max_tokens: the prompt's 7 tokens and max_tokens 4096 exceed")
            .doesNotContain("max_output_length");
        assertThat(ApiError.of(tooLong).param).as("the management face keeps the manager's name")
            .isEqualTo("max_output_length");
        ModelException other = ModelException.invalidInput("tiny", "prompt", "has 9000 tokens");
        assertThat(ApiError.openAi(other, null).param).isEqualTo("prompt");

        ApiError completionTokens = ApiError.openAi(tooLong, "max_completion_tokens");
        assertThat(completionTokens.param).isEqualTo("max_completion_tokens");
        assertThat(completionTokens.getMessage()).contains("max_completion_tokens 4096 exceed");
        ApiError schema = ApiError.openAi(ModelException.invalidInput("tiny", "response_format.schema",
            "llama.cpp cannot make a grammar of it: Pattern must start with '^'"), null);
        assertThat(schema.param).isEqualTo("response_format.json_schema.schema");
        assertThat(schema.getMessage()).startsWith("model 'tiny': response_format.json_schema.schema:");
    }
}
