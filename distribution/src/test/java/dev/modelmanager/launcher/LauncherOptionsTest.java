package dev.modelmanager.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherOptionsTest {

    @Test
    void commandsKeepTheirOrderAndMakeItNonInteractive() throws Exception {
        LauncherOptions options = LauncherOptions.parse("-c", "model:list", "--command", "model:status");
        assertThat(options.commands()).containsExactly("model:list", "model:status");
        assertThat(options.interactive()).isFalse();
        assertThat(LauncherOptions.parse().interactive()).isTrue();
        assertThat(LauncherOptions.parse("--script", "x.gogo").script()).isEqualTo(Path.of("x.gogo"));
        assertThat(LauncherOptions.parse("-h").help()).isTrue();
        LauncherOptions server = LauncherOptions.parse("--server");
        assertThat(server.server()).isTrue();
        assertThat(server.interactive()).isFalse();
        assertThat(server.batch()).isFalse();
    }

    @Test
    void badUsageIsExplained() {
        assertThatThrownBy(() -> LauncherOptions.parse("-c")).hasMessage("-c needs a value");
        assertThatThrownBy(() -> LauncherOptions.parse("list")).hasMessage("unknown argument 'list'");
        assertThatThrownBy(() -> LauncherOptions.parse("-s", "a", "-s", "b")).hasMessage("--script may be given once");
        assertThatThrownBy(() -> LauncherOptions.parse("--server", "-c", "model:list"))
            .hasMessageContaining("cannot be combined");
    }

    @Test
    void scriptsSkipBlankLinesAndComments(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s.gogo");
        Files.writeString(script, "# comment\n  model:list  \n\n#another\nmodel:status\n");
        assertThat(Launcher.readScript(script)).isEqualTo(List.of("model:list", "model:status"));
    }

    @Test
    void frameworkPropertiesResolveTheHomeFolder(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/framework.properties"),
            "org.osgi.framework.storage=${modelmanager.home}/data/cache\nplain=value\n");
        assertThat(FrameworkConfig.load(home))
            .containsEntry("org.osgi.framework.storage", home + "/data/cache")
            .containsEntry("plain", "value");
    }

    @Test
    void helpAndUsageErrorsAnswerWithoutStartingAFramework() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertThat(Launcher.run(new String[] {"--help"}, System.in, new java.io.PrintStream(out), new java.io.PrintStream(err)))
            .isEqualTo(Launcher.OK);
        assertThat(out.toString()).contains("Usage: modelmanager");
        assertThat(Launcher.run(new String[] {"--nope"}, System.in, new java.io.PrintStream(out), new java.io.PrintStream(err)))
            .isEqualTo(Launcher.USAGE);
        assertThat(err.toString()).contains("unknown argument '--nope'");
    }
}
