package dev.modelmanager.core.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandUsageTest {

    @Test
    void parametersAreNamedAsTheCodeNamesThem() {
        assertThat(CommandUsage.of(ModelCommands.class, "model", "info"))
            .isEqualTo("usage: model:info <model-id>  (help model:info)");
        assertThat(CommandUsage.of(ModelCommands.class, "model", "register"))
            .isEqualTo("usage: model:register <model-id> <properties>...  (help model:register)");
        assertThat(CommandUsage.of(InferenceCommands.class, "model", "embed"))
            .isEqualTo("usage: model:embed <model-id> <text>...  (help model:embed)");
    }

    @Test
    void overloadsThatAddParametersShowThemAsOptional() {
        assertThat(CommandUsage.of(ModelCommands.class, "model", "load"))
            .isEqualTo("usage: model:load <model-id> [<seconds>]  (help model:load)");
        assertThat(CommandUsage.of(ModelCommands.class, "model", "default"))
            .as("a Java keyword: the method is _default").isEqualTo("usage: model:default [<model-id>]  (help model:default)");
        assertThat(CommandUsage.of(ModelCommands.class, "model", "alias"))
            .isEqualTo("usage: model:alias [<alias> <model-id>]  (help model:alias)");
        assertThat(CommandUsage.of(ModelCommands.class, "model", "list")).isEqualTo("usage: model:list  (help model:list)");
    }

    @Test
    void optionsComeFirstWithTheirFirstName() {
        assertThat(CommandUsage.of(InferenceCommands.class, "model", "generate")).isEqualTo(
            "usage: model:generate [-n <max>] [-t <temperature>] <model-id> <prompt>...  (help model:generate)");
        assertThat(CommandUsage.of(InferenceCommands.class, "model", "chat")).isEqualTo(
            "usage: model:chat [-n <max>] [-t <temperature>] [-s <system>] <model-id> <message>...  (help model:chat)");
    }

    /** Two forms that do not extend one another. */
    public static final class Unrelated {
        public void pick(String name) {
        }

        public void pick(int first, int second) {
        }

        public void pick(boolean flag, String other) {
        }
    }

    @Test
    void formsThatDoNotExtendEachOtherAreAlternatives() {
        assertThat(CommandUsage.of(Unrelated.class, "x", "pick"))
            .isEqualTo("usage: x:pick <name> | <first> <second> | <flag> <other>  (help x:pick)");
    }
}
