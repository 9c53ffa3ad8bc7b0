package dev.modelmanager.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code [-c COMMAND]... [--script FILE] [--help]}. Without {@code -c} or {@code --script}
 * the launcher opens the interactive shell.
 *
 * @param commands commands to run, in order, then exit
 * @param script   a file of commands to run, then exit, or {@code null}
 * @param help     print usage and exit
 * @param server   run without a shell until stopped (SIGTERM, Ctrl-C): the REST API serves
 */
record LauncherOptions(List<String> commands, Path script, boolean help, boolean server) {

    static final String USAGE = """
        Usage: modelmanager [--server | -c COMMAND... | --script FILE] [--help]

        Starts the OSGi Model Manager (Apache Felix with the manager, its providers, Gogo and the REST API).
        Without options it opens the interactive Gogo shell; type 'help' for commands, 'exit' to stop.
        The REST API (management /api/v1, OpenAI-compatible /v1, /health, /metrics) listens on
        http://127.0.0.1:8080 while the shell or the server runs (-Dorg.osgi.service.http.port=N changes the port).

              --server           run without a shell until stopped (SIGTERM or Ctrl-C)
          -c, --command COMMAND  run a Gogo command and exit (repeatable; run in order; no HTTP)
          -s, --script FILE      run the Gogo commands in FILE (one per line, # comments) and exit
          -h, --help             show this help

        One shell or server runs from a folder: while one runs, -c and --script run their commands in it, and
        a second shell or server is refused (exit status 4) without touching anything.

        Exit status: 0 all commands succeeded, 1 a command failed, 2 bad usage, 3 the framework failed to start,
        4 another shell or server already runs from this folder.
        Configuration: etc/framework.properties (framework), etc/*.cfg (manager, REST, declared models),
        etc/logback.xml (logging: data/log/modelmanager.log, appended to, rolled over at 10 MB, 5 old files kept).
        Bundles dropped into deploy/ are installed and started.
        """;

    /** A usage error, reported with exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static LauncherOptions parse(String... args) throws UsageException {
        List<String> commands = new ArrayList<>();
        Path script = null;
        boolean help = false;
        boolean server = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-c", "--command" -> commands.add(value(args, ++i, arg));
                case "-s", "--script" -> {
                    if (script != null) {
                        throw new UsageException("--script may be given once");
                    }
                    script = Path.of(value(args, ++i, arg));
                }
                case "-h", "--help" -> help = true;
                case "--server" -> server = true;
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        if (server && (!commands.isEmpty() || script != null)) {
            throw new UsageException("--server runs until stopped; it cannot be combined with -c or --script");
        }
        return new LauncherOptions(List.copyOf(commands), script, help, server);
    }

    private static String value(String[] args, int index, String option) throws UsageException {
        if (index >= args.length || args[index].isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    boolean interactive() {
        return commands.isEmpty() && script == null && !server;
    }

    /** Whether commands run and the launcher exits. */
    boolean batch() {
        return !commands.isEmpty() || script != null;
    }
}
