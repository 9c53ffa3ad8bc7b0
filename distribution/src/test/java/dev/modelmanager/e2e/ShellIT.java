package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.RequirementProperties;

/**
 * The shell as a user meets it: the interactive Gogo shell of {@code bin/modelmanager}, fed typed lines, and
 * {@code -c}. Nothing typed by mistake changes anything; every mistake answers one readable line.
 */
class ShellIT {
    private static final Path STORIES = Path.of(System.getProperty("shared.models")).resolve("stories260K.gguf")
        .toAbsolutePath();
    private static DistributionServer home;

    @BeforeAll
    static void copyDistribution() throws Exception {
        home = new DistributionServer("e2e-shell");
    }

    @Test
    void aModelIdTypedAloneIsAnUnknownCommandAndTheDefaultStaysUnset() throws Exception {
        DistributionIT.Run run = home.shell("model:register tiny model_type=text_generation name=stories260K path="
            + STORIES, "tiny", "model:status");
        assertThat(run.out()).contains("registered tiny").contains("g! unknown command: tiny\n")
            .contains("default: none");
        DistributionIT.Run after = home.run("-c", "model:status", "-c", "model:release tiny");
        assertThat(after.status()).as(after.err()).isZero();
        assertThat(after.out()).as("nothing was saved either").contains("default: none");
    }

    @Test
    void typosAndMisusedCommandsAnswerOneLineAndNoStackTrace() throws Exception {
        DistributionIT.Run run = home.shell("model:lsit", "model:embd minilm hi", "model:register", "model:embed",
            "model:embed minilm", "e", "model:info nope", "model:list");
        assertThat(run.out())
            .contains("g! unknown command: model:lsit (did you mean model:list?)\n")
            .contains("g! unknown command: model:embd (did you mean model:embed?)\n")
            .contains("g! usage: model:register <model-id> <properties>...  (help model:register)\n")
            .contains("g! usage: model:embed <model-id> <text>...  (help model:embed)\ng! usage: model:embed")
            .as("the profile's 'e' printed the last stack trace").contains("g! unknown command: e\n")
            .containsPattern("g! [^\\n]*model 'nope': no model is registered under this id \\[NOT_REGISTERED]\\ng! ")
            .as("the shell still works after them").contains("minilm");
        assertThat(run.out() + run.err()).doesNotContainPattern("(?m)^\\s+at [\\w$.]+\\(");
        assertThat(Files.readString(home.home.resolve("data/log/modelmanager.log")))
            .as("the log keeps the failures").contains("shell: model:info failed: model 'nope'");
    }

    @Test
    void helpModelRegisterExplainsEveryKey() throws Exception {
        DistributionIT.Run run = home.shell("help model:register");
        for (String key : RequirementProperties.KNOWN) {
            assertThat(run.out()).as(key).containsPattern("(?m)^  " + Pattern.quote(key) + " {2,}\\S.{9,}$");
        }
        assertThat(run.out()).containsPattern("(?m)^  option\\.<key> {2,}\\S.{9,}$");
    }

    @Test
    void theBannerNamesThePortRestListensOn() throws Exception {
        DistributionIT.Run run = home.shell();
        assertThat(home.port).isNotEqualTo(8080);
        assertThat(run.out()).contains("REST (while this runs): http://127.0.0.1:" + home.port + "/health");
    }

    @Test
    void batchCommandsTakeBundleIdsAsTheShellDoes() throws Exception {
        DistributionIT.Run list = home.run("-c", "felix:lb -s");
        assertThat(list.status()).as(list.err()).isZero();
        Matcher examples = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*\\|dev\\.modelmanager\\.examples \\(").matcher(list.out());
        assertThat(examples.find()).as(list.out()).isTrue();
        String id = examples.group(1);
        DistributionIT.Run stop = home.run("-c", "felix:stop " + id, "-c", "felix:lb -s");
        assertThat(stop.status()).as(stop.err()).isZero();
        assertThat(stop.out()).containsPattern("(?m)^\\s*" + id + "\\|Resolved.*dev\\.modelmanager\\.examples \\(");
    }

    @Test
    void batchModeAnswersUnknownWordsTheSameWay() throws Exception {
        DistributionIT.Run run = home.run("-c", "model:lsit");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("error: model:lsit: unknown command: model:lsit (did you mean model:list?)");
    }
}
