package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * One shell or server per folder: beside a running server, a second {@code bin/modelmanager} (shell or server) is
 * refused with one line naming the running one, and leaves its log and {@code data/} as they were; {@code -c} still
 * runs its commands in the server.
 */
class SecondInstanceIT {

    @Test
    void aSecondShellOrServerIsRefusedBeforeTouchingAnything() throws Exception {
        try (DistributionServer server = new DistributionServer("e2e-second").start(Map.of())) {
            Path log = server.home.resolve("data/log/modelmanager.log");
            String logBefore = Files.readString(log);
            Map<String, Long> dataBefore = files(server.home.resolve("data"));
            Pattern refusal = Pattern.compile("modelmanager: not started: another modelmanager \\(server, pid "
                + server.pid() + ", started \\d{4}-\\d\\d-\\d\\dT[0-9:]+(Z|[+-][0-9:]+)\\) runs from "
                + Pattern.quote(server.home.toString()) + "; stop it first, or run commands in it with "
                + "bin/modelmanager -c COMMAND\\n");
            for (String[] args : new String[][] {{}, {"--server"}}) {
                DistributionIT.Run second = server.run(args);
                assertThat(second.status()).as(second.err()).isEqualTo(4);
                assertThat(second.err()).matches(refusal);
                assertThat(second.out()).isEmpty();
            }
            String logAfter = Files.readString(log);
            assertThat(logAfter).as("the server's log, not truncated").startsWith(logBefore);
            assertThat(logAfter.split("Model manager started", -1)).as("no second manager started").hasSize(2);
            assertThat(files(server.home.resolve("data"))).isEqualTo(dataBefore);

            DistributionIT.Run commands = server.run("-c", "model:list");
            assertThat(commands.status()).as(commands.err()).isZero();
            assertThat(commands.out()).contains("minilm").contains("LOADED");
        }
    }

    @Test
    void aForwardedCommandTakesRelativePathsAgainstTheFolderItWasTypedIn() throws Exception {
        Path folder = Files.createTempDirectory("mm-forwarded");
        Files.copy(Path.of(System.getProperty("shared.models")).resolve("stories260K.gguf"),
            folder.resolve("stories260K.gguf"));
        try (DistributionServer server = new DistributionServer("e2e-forwarded").start(Map.of())) {
            DistributionIT.Run registered = server.runIn(folder, "-c",
                "model:register fwd model_type=text_generation name=stories260K path=stories260K.gguf");
            assertThat(registered.status()).as(registered.err()).isZero();
            assertThat(registered.out()).contains("registered fwd");
            DistributionIT.Run info = server.run("-c", "model:info fwd");
            assertThat(info.out()).as("kept absolute, in the folder the command came from")
                .contains(folder.toRealPath().resolve("stories260K.gguf").toString());
        }
    }

    /** Every file under data/ with its size, but those the running server writes as it likes (state, log). */
    private static Map<String, Long> files(Path data) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(data)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                String name = data.relativize(p).toString();
                if (!name.equals("state.json") && !name.startsWith("log/")) {
                    files.put(name, Files.size(p));
                }
            }
        }
        return files;
    }
}
