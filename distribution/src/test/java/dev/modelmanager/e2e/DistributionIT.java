package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the assembled distribution as a user would: {@code bin/modelmanager} as a separate process, from a copy
 * of {@code target/modelmanager}, checking what it prints and its exit status.
 */
class DistributionIT {
    private static Path home;

    record Run(int status, String out, String err) {
    }

    @BeforeAll
    static void copyDistribution() throws IOException {
        home = Path.of("target", "e2e-home").toAbsolutePath();
        copyTree(Path.of(System.getProperty("dist.dir")), home);
        hubCache = Files.createTempDirectory("hub-cache");
    }

    private static Path hubCache;

    /** A fresh copy of the assembled distribution. */
    static void copyTree(Path dist, Path home) throws IOException {
        deleteTree(home);
        try (Stream<Path> paths = Files.walk(dist)) {
            for (Path source : paths.toList()) {
                Path target = home.resolve(dist.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Hermetic: the Hub is offline and its cache empty, whatever the machine has. */
    static Run modelmanager(String... args) throws Exception {
        return modelmanager(home, java.util.Map.of("JAVA_HOME", System.getProperty("java.home"), "HF_HUB_OFFLINE", "1",
            "HF_HUB_CACHE", hubCache.toString()), args);
    }

    static Run modelmanager(Path home, java.util.Map<String, String> environment, String... args) throws Exception {
        return modelmanager(home, environment, new java.io.File("/dev/null"), args);
    }

    /** With {@code input} as its standard input: what the interactive shell reads as typed lines. */
    static Run modelmanager(Path home, java.util.Map<String, String> environment, java.io.File input, String... args)
        throws Exception {
        return modelmanager(home, environment, input, null, args);
    }

    /** Run from {@code directory} (its working directory; {@code null}: the test's). */
    static Run modelmanager(Path home, java.util.Map<String, String> environment, java.io.File input, Path directory,
                            String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/modelmanager").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("mm-out", ".txt");
        Path err = Files.createTempFile("mm-err", ".txt");
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(input))
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/modelmanager " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void listRunsAndExitsZeroShowingTheDeclaredModels() throws Exception {
        Run run = modelmanager("-c", "model:list");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("ID").contains("minilm").contains("embedding")
            .contains("sentence-transformers/all-MiniLM-L6-v2").contains("stories").contains("FAILED");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void commandsRunInOrderAndAFailureIsOneReadableLineWithExitStatusOne() throws Exception {
        Run run = modelmanager("-c", "model:status", "-c", "model:info nope", "-c", "model:list");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).containsPattern("llamacpp\\s+embedding,text_generation\\s+0\\s+-");
        // model:status prints the table once; model:list, after the failure, must not have run.
        assertThat(run.out().split("stories260K", -1)).as("tables printed").hasSize(2);
        assertThat(run.err().strip()).isEqualTo(
            "error: model:info: model 'nope': no model is registered under this id [NOT_REGISTERED]");
    }

    @Test
    void aScriptRunsItsCommandsSkippingComments() throws Exception {
        Path script = Files.createTempFile("mm-script", ".gogo");
        Files.writeString(script, "# list what is registered\nmodel:list\n\nmodel:info minilm\n");
        Run run = modelmanager("--script", script.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("config:minilm, dev.modelmanager.examples");
    }

    @Test
    void badUsageExitsTwoWithTheUsage() throws Exception {
        Run run = modelmanager("--frobnicate");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("unknown argument '--frobnicate'").contains("Usage: modelmanager");
        Run help = modelmanager("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("-c, --command COMMAND");
    }

    @Test
    void aGgufModelRegisteredFromTheShellGeneratesTheReferenceText() throws Exception {
        Path models = Path.of(System.getProperty("shared.models"));
        java.util.regex.Matcher reference = java.util.regex.Pattern
            .compile("Greedy \"Once upon a time\" continues with \"(.+?)\" with llama\\.cpp")
            .matcher(Files.readString(models.resolve("README.md")));
        assertThat(reference.find()).isTrue();
        Run run = modelmanager("-c", "model:register tiny model_type=text_generation name=stories260K path="
            + models.resolve("stories260K.gguf"), "-c", "model:generate -t 0 -n 40 tiny Once upon a time",
            "-c", "model:info tiny", "-c", "model:release tiny");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("registered tiny (text_generation stories260K")
            .contains(reference.group(1)).contains("5 prompt + 40 generated tokens]") // BOS and 4 words, as llama.cpp counts
            .contains("provider                : llamacpp").contains("memory.estimate.error");
    }

    @Test
    void devicesAreReadThroughOshiInsideFelix() throws Exception {
        Run run = modelmanager("-c", "model:devices");
        assertThat(run.status()).as(run.err()).isZero();
        String cpu = run.out().lines().filter(l -> l.startsWith("cpu")).findFirst().orElseThrow();
        // Without OSHI the name would be the JVM's "<os.arch> (<n> cores)".
        assertThat(cpu).doesNotContain(System.getProperty("os.arch") + " (").contains("GiB");
    }

    @Test
    void theManagerLogsToItsLogFile() throws Exception {
        modelmanager("-c", "model:list");
        String log = Files.readString(home.resolve("data/log/modelmanager.log"));
        assertThat(log).contains("Model manager started").contains("registered by dev.modelmanager.examples");
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
