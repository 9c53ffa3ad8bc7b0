package dev.modelmanager.karaf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Apache Karaf, copied fresh from the unpacked distribution, started as a process ({@code bin/karaf daemon},
 * which execs the JVM, so the process is Karaf itself) on free ports, with Maven URLs resolved only from Karaf's
 * {@code system/} folder, the repository the build laid out and the local Maven repository: no network. Commands go
 * through {@code bin/client -b} (commands on its standard input, stopping at the first failing one).
 */
final class KarafInstance implements AutoCloseable {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final String USER = "karaf";
    /** The last of Karaf's boot features, listed once the boot features are installed. */
    private static final Pattern BOOTED = Pattern.compile("(?m)^kar\\s");

    private final Path home;
    private final int sshPort;
    private final int httpPort;
    private Process process;

    /** The outcome of one {@code bin/client} run: its exit status and what it printed, without colours. */
    record Output(int exitCode, String text) {
        boolean failed() {
            return exitCode != 0 || text.contains("Error executing command") || text.contains("Command not found");
        }
    }

    private KarafInstance(Path home, int sshPort, int httpPort) {
        this.home = home;
        this.sshPort = sshPort;
        this.httpPort = httpPort;
    }

    /**
     * Copies the distribution into {@code home} (emptied first) and configures it.
     *
     * @param repositories folders of Maven repository layout pax-url reads, after Karaf's own system/ folder
     * @param localRepository the local Maven repository (read only: nothing is downloaded)
     */
    static KarafInstance prepare(Path distribution, Path home, List<Path> repositories, Path localRepository)
            throws IOException {
        deleteTree(home);
        copyTree(distribution, home);
        int[] ports = freePorts(4);
        KarafInstance karaf = new KarafInstance(home, ports[0], ports[1]);
        StringBuilder defaults = new StringBuilder("${karaf.home.uri}system@id=system.repository@snapshots");
        for (int i = 0; i < repositories.size(); i++) {
            defaults.append(", ").append(repositories.get(i).toUri()).append("@id=build").append(i)
                .append("@snapshots");
        }
        karaf.write("etc/org.ops4j.pax.url.mvn.cfg",
            "org.ops4j.pax.url.mvn.localRepository=" + localRepository + "\n"
                + "org.ops4j.pax.url.mvn.useFallbackRepositories=false\n"
                + "org.ops4j.pax.url.mvn.defaultRepositories=" + defaults + "\n"
                + "org.ops4j.pax.url.mvn.repositories=\n");
        karaf.write("etc/users.properties", USER + " = " + USER + ",_g_:admingroup\n"
            + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
        karaf.replace("etc/org.apache.karaf.shell.cfg", "sshPort = 8101", "sshPort = " + ports[0]);
        karaf.replace("etc/org.apache.karaf.shell.cfg", "sshHost = 0.0.0.0", "sshHost = 127.0.0.1");
        karaf.replace("etc/org.apache.karaf.management.cfg", "rmiRegistryPort = 1099", "rmiRegistryPort = " + ports[2]);
        karaf.replace("etc/org.apache.karaf.management.cfg", "rmiServerPort = 44444", "rmiServerPort = " + ports[3]);
        // Felix HTTP: the operator's file, which the feature's default configuration then leaves alone; the same as
        // framework properties, which Jetty uses before Config Admin hands it the file's values.
        String http = "org.apache.felix.http.host=127.0.0.1\norg.osgi.service.http.port=" + ports[1] + "\n";
        karaf.write("etc/org.apache.felix.http.cfg", http);
        Files.writeString(home.resolve("etc/custom.properties"), "\n" + http, StandardCharsets.UTF_8,
            StandardOpenOption.APPEND);
        return karaf;
    }

    int httpPort() {
        return httpPort;
    }

    Path home() {
        return home;
    }

    /** Starts Karaf and waits until its boot features are installed and its console answers. */
    void start(Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "daemon")
            .directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(home.resolve("console.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_MAX_MEM", "1g");
        process = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        Output last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + process.exitValue() + ": " + console());
            }
            last = client(Duration.ofSeconds(20), "feature:list -i");
            if (!last.failed() && BOOTED.matcher(last.text()).find()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Karaf not ready after " + timeout + "; last answer: " + last);
    }

    /** Runs commands in one console session in batch mode ({@code bin/client -b}); it stops at the first that fails. */
    Output client(Duration timeout, String... commands) throws IOException, InterruptedException {
        return console(timeout, true, commands);
    }

    /**
     * Types the commands into an interactive console session, as a person would, then logs out. Unlike batch mode,
     * it prints what Gogo functions (the model:* commands) return.
     */
    Output shell(Duration timeout, String... commands) throws IOException, InterruptedException {
        String[] typed = Arrays.copyOf(commands, commands.length + 1);
        typed[commands.length] = "logout";
        return console(timeout, false, typed);
    }

    private Output console(Duration timeout, boolean batch, String... commands)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-h", "127.0.0.1",
            "-a", Integer.toString(sshPort), "-u", USER, "-p", USER));
        if (batch) {
            command.add("-b");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        client.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        byte[] out;
        if (!client.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("bin/client did not end within " + timeout + ": " + List.of(commands));
        }
        out = client.getInputStream().readAllBytes();
        return new Output(client.exitValue(), ANSI.matcher(new String(out, StandardCharsets.UTF_8)).replaceAll(""));
    }

    /** The symbolic names of the installed bundles, with their states ({@code Active dev.modelmanager.api}). */
    List<String> bundles() throws IOException, InterruptedException {
        Output out = client(Duration.ofSeconds(30), "bundle:list -s -t 0");
        if (out.failed()) {
            throw new IllegalStateException("bundle:list failed: " + out);
        }
        List<String> bundles = new ArrayList<>();
        for (String line : out.text().split("\\R")) {
            String[] columns = line.split("\\|");
            if (columns.length == 5 && columns[0].strip().matches("\\d+")) {
                bundles.add(columns[1].strip() + " " + columns[4].strip());
            }
        }
        return bundles;
    }

    /** Writes a file under the installation at once (File Install never sees it half written). */
    void write(String relative, String content) throws IOException {
        Path target = home.resolve(relative);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The end of Karaf's own log, for a failure's report. */
    String logTail(int lines) {
        Path log = home.resolve("data/log/karaf.log");
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of("(no " + log + ")");
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Stops Karaf with bin/stop, and kills it when it does not end in time; always leaves no process behind. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                new ProcessBuilder(home.resolve("bin/stop").toString()).directory(home.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(20, TimeUnit.SECONDS);
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    private String console() {
        try {
            return Files.readString(home.resolve("console.log"));
        } catch (IOException e) {
            return "(no console output: " + e + ")";
        }
    }

    private void replace(String relative, String from, String to) throws IOException {
        Path file = home.resolve(relative);
        String content = Files.readString(file);
        if (!content.contains(from)) {
            throw new IllegalStateException(relative + " no longer holds '" + from + "'");
        }
        Files.writeString(file, content.replace(from, to));
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
