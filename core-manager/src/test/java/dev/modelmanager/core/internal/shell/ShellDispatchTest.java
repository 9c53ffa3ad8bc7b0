package dev.modelmanager.core.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.core.internal.source.HubSettings;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * What a line typed at the shell reaches, through the real Gogo runtime and a real manager with the test
 * provider: unknown words, typos and missing arguments get one readable line, and every well-formed call still
 * reaches its method.
 */
class ShellDispatchTest {
    private ModelManagerImpl manager;
    private GogoShell shell;

    @BeforeEach
    void start() throws Exception {
        ManagerSettings settings = ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO)
            .withLoadTimeout(Duration.ofSeconds(20)).withProviderDrainTimeout(Duration.ofSeconds(2))
            .withHub(new HubSettings("http://127.0.0.1:9", null, Files.createTempDirectory("shell-hub"), true, false,
                Duration.ofSeconds(1), Duration.ofSeconds(5)), Files.createTempDirectory("shell-work"));
        manager = new ModelManagerImpl(settings);
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
        UnknownCommand unknown = new UnknownCommand();
        shell = new GogoShell().add(unknown).add(new ModelCommands(manager, unknown)).add(new InferenceCommands(manager))
            // as etc/gosh_profile sets it
            .put("SCOPE", "gogo:*");
        shell.run("model:register story model_type=text_generation name=org/story");
        shell.run("model:register docs model_type=embedding name=sentence-transformers/all-MiniLM-L6-v2");
    }

    @AfterEach
    void stop() {
        shell.close();
        manager.close();
    }

    @Test
    void aModelIdTypedAloneIsAnUnknownCommandAndLeavesTheDefaultAlone() {
        assertThatThrownBy(() -> shell.run("story")).isInstanceOf(ShellError.class)
            .hasMessage("unknown command: story").hasToString("unknown command: story");
        assertThatThrownBy(() -> shell.run("docs hello")).hasMessage("unknown command: docs");
        assertThat(manager.defaultModel()).isEmpty();
    }

    @Test
    void aTypoIsAnUnknownCommandNamingTheNearestOne() {
        assertThatThrownBy(() -> shell.run("model:lsit"))
            .hasMessage("unknown command: model:lsit (did you mean model:list?)");
        assertThatThrownBy(() -> shell.run("model:embd docs hi"))
            .hasMessage("unknown command: model:embd (did you mean model:embed?)");
        assertThatThrownBy(() -> shell.run("lsit")).hasMessage("unknown command: lsit (did you mean model:list?)");
        assertThatThrownBy(() -> shell.run("default story"))
            .as("typed itself, default is a word like any other")
            .hasMessage("unknown command: default (did you mean model:default?)");
        assertThat(manager.defaultModel()).isEmpty();
    }

    @Test
    void theSameWithoutTheProfilesScope() {
        shell.put("SCOPE", "*");
        assertThatThrownBy(() -> shell.run("story")).hasMessage("unknown command: story");
        assertThat(manager.defaultModel()).isEmpty();
    }

    @Test
    void aCommandWithoutWhatItNeedsAnswersItsUsage() {
        assertThatThrownBy(() -> shell.run("model:register")).isInstanceOf(ShellError.class)
            .hasMessage("usage: model:register <model-id> <properties>...  (help model:register)");
        assertThatThrownBy(() -> shell.run("model:embed"))
            .hasMessage("usage: model:embed <model-id> <text>...  (help model:embed)");
        assertThatThrownBy(() -> shell.run("model:embed docs")).as("no text")
            .hasMessage("usage: model:embed <model-id> <text>...  (help model:embed)");
        assertThatThrownBy(() -> shell.run("model:info")).hasMessage("usage: model:info <model-id>  (help model:info)");
        assertThatThrownBy(() -> shell.run("model:generate -n 5 story")).hasMessageStartingWith("usage: model:generate");
        assertThatThrownBy(() -> shell.run("model:profile story many")).as("a word for a number")
            .hasMessage("usage: model:profile <model-id> [<requests>]  (help model:profile)");
        assertThatThrownBy(() -> shell.run("model:list everything")).hasMessage("usage: model:list  (help model:list)");
        assertThatThrownBy(() -> shell.run("model:generate -n -3 story Once")).isInstanceOf(ShellError.class)
            .hasMessage("-n: must be a whole number from 1 to 2147483647, was '-3'");
        assertThatThrownBy(() -> shell.run("model:generate -t hot story Once")).isInstanceOf(ShellError.class)
            .hasMessage("-t: must be a number from 0 to 100, was 'hot'");
        assertThatThrownBy(() -> shell.run("model:autoswitch -t 1.5 w story docs")).isInstanceOf(ShellError.class)
            .hasMessageStartingWith("-t: must be a number from 0 to 1");
        assertThatThrownBy(() -> shell.run("model:load story -5")).isInstanceOf(ShellError.class)
            .hasMessage("seconds: must be a whole number from 1 to 86400, was -5");
    }

    @Test
    void wellFormedCallsStillReachTheirMethods() throws Exception {
        assertThat(shell.run("model:load story 5")).isEqualTo("loaded story on cpu by test\n");
        assertThat((String) shell.run("model:embed docs 1 2 3")).as("numbers are text here").startsWith("dimension 384:");
        assertThat((String) shell.run("model:embed docs A man is eating food.")).startsWith("dimension 384:")
            .as("the test embedder reads the words and two special tokens").endsWith(", 7 tokens)\n");
        shell.run("model:generate -t 0 -n 3 story Once upon a time");
        assertThat(shell.printed()).contains("3 generated tokens]");
        shell.run("model:generate story Once upon a time");
        assertThat(shell.printed()).as("without options, as the README shows it").contains("generated tokens]");
        shell.run("model:chat story hello there");
        shell.run("model:chat -s terse story hello there");
        assertThat(shell.printed()).contains("generated tokens]");
        shell.run("model:generate -n 2 story Once upon a time");
        assertThat(shell.printed()).as("-n is read").contains(" 2 generated tokens]");
        assertThat((String) shell.run("model:autoswitch w story docs")).startsWith("w -> story");
        assertThat((String) shell.run("model:autoswitch -t 0.5 --no-switch-back w2 story docs")).startsWith("w2 -> story");
        assertThat(manager.aliasPolicies().get("w2").switchBack()).isFalse();
        assertThat(manager.aliasPolicies().get("w").switchBack()).isTrue();
        assertThat(manager.aliasPolicies().get("w").threshold()).isEqualTo(0.7);
        assertThat(shell.run("model:default")).isEqualTo("no default model\n");
        assertThat(shell.run("model:default story")).isEqualTo("default: story\n");
        assertThat(manager.defaultModel()).contains("story");
        assertThat(shell.run("model:alias writer story")).isEqualTo("writer -> story (LOADED)\n");
        assertThat((String) shell.run("model:profile story 2")).startsWith("story: 2 calls, 0 failed");
        assertThat(shell.run("model:cache clear all")).isEqualTo("cleared every embedding cache\n");
        assertThat((String) shell.run("model:info docs")).contains("requesters").contains("shell");
    }

    @Test
    void theManagersOwnErrorsStillComeThrough() {
        assertThatThrownBy(() -> shell.run("model:info nope"))
            .hasMessage("model 'nope': no model is registered under this id [NOT_REGISTERED]");
        assertThatThrownBy(() -> shell.run("model:register x nonsense")).isInstanceOf(ShellError.class)
            .hasMessage("expected key=value, got 'nonsense'; help model:register lists the keys");
    }
}
