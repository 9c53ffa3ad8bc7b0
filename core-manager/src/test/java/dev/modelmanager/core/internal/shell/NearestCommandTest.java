package dev.modelmanager.core.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class NearestCommandTest {
    private static final List<String> COMMANDS = List.of("model:list", "model:load", "model:embed", "model:info",
        "model:register", "model:release", "model:default", "catalog:list", "felix:lb", "felix:stop", "*:default",
        "exit");

    @Test
    void aSwappedPairOfLettersIsOneEdit() {
        assertThat(NearestCommand.distance("lsit", "list")).isEqualTo(1);
        assertThat(NearestCommand.distance("embd", "embed")).isEqualTo(1);
        assertThat(NearestCommand.distance("tiny", "info")).isEqualTo(3);
        assertThat(NearestCommand.distance("", "abc")).isEqualTo(3);
        assertThat(NearestCommand.distance("same", "same")).isZero();
    }

    @Test
    void aTypoInAScopedNameSuggestsTheCommandOfThatScope() {
        assertThat(NearestCommand.to("model:lsit", COMMANDS)).containsExactly("model:list");
        assertThat(NearestCommand.to("model:embd", COMMANDS)).containsExactly("model:embed");
        assertThat(NearestCommand.to("modle:info", COMMANDS)).containsExactly("model:info");
        assertThat(NearestCommand.to("MODEL:LSIT", COMMANDS)).as("Gogo's names ignore case").containsExactly("model:list");
    }

    @Test
    void aBareWordIsComparedWithTheFunctionsOfEveryScope() {
        assertThat(NearestCommand.to("lsit", COMMANDS)).containsExactly("catalog:list", "model:list");
        assertThat(NearestCommand.to("regster", COMMANDS)).containsExactly("model:register");
        assertThat(NearestCommand.to("exti", COMMANDS)).as("a closure of the profile").containsExactly("exit");
    }

    @Test
    void aWordFarFromEveryCommandGetsNoSuggestion() {
        assertThat(NearestCommand.to("tiny", COMMANDS)).isEmpty();
        assertThat(NearestCommand.to("minilm", COMMANDS)).isEmpty();
        assertThat(NearestCommand.to("default", COMMANDS)).as("*:default is not offered")
            .containsExactly("model:default");
        assertThat(NearestCommand.to("x", COMMANDS)).isEmpty();
    }

    @Test
    void theSuggestionReadsAsASentence() {
        assertThat(NearestCommand.or(List.of("a"))).isEqualTo("a");
        assertThat(NearestCommand.or(List.of("a", "b"))).isEqualTo("a or b");
        assertThat(NearestCommand.or(List.of("a", "b", "c"))).isEqualTo("a, b or c");
    }
}
