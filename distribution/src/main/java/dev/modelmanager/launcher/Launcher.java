package dev.modelmanager.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Starts Apache Felix with every bundle in {@code bundles/}, then either runs the commands given with {@code -c}
 * or {@code --script} through Gogo's {@code CommandProcessor} and exits with a status that says whether they
 * succeeded, or hands the terminal to the interactive Gogo shell until {@code exit}.
 */
public final class Launcher {
    /** The interactive shell; not started when running commands, so that it does not take the terminal. */
    static final String GOGO_JLINE = "org.apache.felix.gogo.jline";
    static final String JLINE = "org.jline";
    static final String LOG_SERVICE = "org.apache.felix.log";

    static final int OK = 0;
    static final int COMMAND_FAILED = 1;
    static final int USAGE = 2;
    static final int STARTUP_FAILED = 3;
    /** A shell or server asked for where another instance already runs. */
    static final int ALREADY_RUNNING = 4;

    private Launcher() {
    }

    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        System.exit(status);
    }

    /** SPI Fly logs every provider it registers through java.util.logging at INFO; warnings are enough. */
    private static final java.util.logging.Logger SPIFLY = java.util.logging.Logger.getLogger("org.apache.aries.spifly");

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        SPIFLY.setLevel(java.util.logging.Level.WARNING);
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (LauncherOptions.UsageException e) {
            err.println("modelmanager: " + e.getMessage());
            err.print(LauncherOptions.USAGE);
            return USAGE;
        }
        if (options.help()) {
            out.print(LauncherOptions.USAGE);
            return OK;
        }
        List<String> commands = new ArrayList<>(options.commands());
        if (options.script() != null) {
            try {
                commands.addAll(readScript(options.script()));
            } catch (IOException e) {
                err.println("modelmanager: cannot read script " + options.script() + ": " + e.getMessage());
                return USAGE;
            }
        }
        Path home = Path.of(System.getProperty("modelmanager.home", ".")).toAbsolutePath().normalize();
        Instance instance = Instance.acquire(home, options.server() ? Instance.Mode.SERVER
            : options.interactive() ? Instance.Mode.SHELL : Instance.Mode.COMMANDS);
        if (!instance.owner() && !options.batch()) {
            // Before anything is written: a second shell or server would share the bundle cache, state and log.
            err.println("modelmanager: not started: another modelmanager (" + instance.holder().describe()
                + ") runs from " + home + "; stop it first, or run commands in it with bin/modelmanager -c COMMAND");
            instance.close();
            return ALREADY_RUNNING;
        }
        if (!instance.owner()) {
            // Another instance runs from this folder: run the commands there, so they see what it holds.
            Integer status = ShellSocket.forward(home.resolve("data"), commands, out, err);
            if (status != null) {
                instance.close();
                return status;
            }
            err.println("modelmanager: another modelmanager (" + instance.holder().describe() + ") runs from " + home
                + " and takes no commands; this one uses a private bundle cache and keeps no state");
            System.setProperty(OwnerSizeTriggeringPolicy.ROLLOVER, "false");
        }
        Map<String, String> overrides = new java.util.HashMap<>(instance.overrides());
        if (options.batch()) {
            // One-shot commands do not serve HTTP (a running server may hold the port).
            overrides.put("org.apache.felix.http.enable", "false");
        }
        Framework framework;
        try {
            framework = start(home, options.interactive(), overrides);
        } catch (Exception e) {
            err.println("modelmanager: the framework failed to start: " + e.getMessage());
            return STARTUP_FAILED;
        }
        ShellSocket socket = instance.owner() && !options.batch()
            ? ShellSocket.open(home.resolve("data"), framework.getBundleContext(), err) : null;
        try {
            if (options.interactive()) {
                framework.waitForStop(0);
                return OK;
            }
            if (options.server()) {
                Framework running = framework;
                Thread hook = new Thread(() -> stop(running, err), "modelmanager-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                out.println("OSGi Model Manager running (" + home + "); REST on " + endpoint(framework)
                    + "; SIGTERM or Ctrl-C stops it");
                out.flush();
                framework.waitForStop(0);
                return OK;
            }
            return new CommandRunner(framework.getBundleContext(), in, out, err).runAll(commands);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return COMMAND_FAILED;
        } finally {
            if (socket != null) {
                socket.close();
            }
            stop(framework, err);
            instance.close();
        }
    }

    /** Where the HTTP service says it listens, once it does (a few seconds at most). */
    private static String endpoint(Framework framework) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                var refs = framework.getBundleContext().getServiceReferences(
                    "org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
                if (refs != null) {
                    Object endpoint = refs[0].getProperty("osgi.http.endpoint");
                    if (endpoint instanceof String[] a && a.length > 0) {
                        return String.join(", ", a);
                    }
                    if (endpoint instanceof java.util.Collection<?> c && !c.isEmpty()) {
                        return String.valueOf(c.iterator().next());
                    }
                    if (endpoint != null) {
                        return String.valueOf(endpoint);
                    }
                }
            } catch (org.osgi.framework.InvalidSyntaxException impossible) {
                throw new IllegalStateException(impossible);
            }
            Thread.sleep(100);
        }
        return "(the HTTP service did not start; see data/log/modelmanager.log)";
    }

    /** The non-empty, non-comment lines of a script. */
    static List<String> readScript(Path script) throws IOException {
        try (Stream<String> lines = Files.lines(script, StandardCharsets.UTF_8)) {
            return lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    static Framework start(Path home, boolean interactive, Map<String, String> overrides)
        throws IOException, BundleException {
        for (String folder : List.of("data/log", "data/natives", "deploy")) {
            Files.createDirectories(home.resolve(folder));
        }
        Map<String, String> config = FrameworkConfig.load(home);
        config.putAll(overrides);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
            .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Map<String, Object> settings = new java.util.HashMap<>(config);
        settings.put("felix.log.logger", new LogBridge.FelixLogger());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework framework = factory.newFramework((Map) settings);
        framework.init();
        LogBridge.attach(framework.getBundleContext());
        List<Bundle> bundles = new ArrayList<>();
        Path folder = home.resolve("bundles");
        try (Stream<Path> jars = Files.list(folder)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                bundles.add(framework.getBundleContext().installBundle(jar.toUri().toString()));
            }
        }
        framework.start();
        Bundle shell = null;
        // The Log Service first, so that what the other bundles log from their start on reaches the log file.
        bundles.sort(java.util.Comparator.comparing((Bundle b) -> !LOG_SERVICE.equals(b.getSymbolicName())));
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            if (GOGO_JLINE.equals(bundle.getSymbolicName())) {
                shell = bundle;
                continue;
            }
            bundle.start();
        }
        if (shell != null && interactive) {
            // The banner (etc/gosh_profile) prints where REST listens.
            System.setProperty(REST_BANNER, restBanner(framework, config));
            startShell(shell, bundles);
        } else if (shell != null) {
            registerConverters(framework, shell);
        }
        return framework;
    }

    /** System property the shell's profile reads: where REST listens, for the banner. */
    static final String REST_BANNER = "modelmanager.rest.banner";

    private static String restBanner(Framework framework, Map<String, String> config) {
        if ("false".equals(config.get("org.apache.felix.http.enable"))) {
            return "off (org.apache.felix.http.enable=false in etc/framework.properties)";
        }
        try {
            String endpoint = endpoint(framework).split(", ")[0];
            if (!endpoint.startsWith("http")) {
                return endpoint;
            }
            String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
            return base + "/health, " + base + "/api/v1/models, OpenAI-compatible " + base + "/v1 (see README)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Gogo's converters (a bundle id or symbolic name to a {@code Bundle}, a filter to service references, and their
     * formatting) come with the interactive shell's bundle, which its activator registers as it takes the terminal.
     * Without a shell ({@code -c}, {@code --script}, {@code --server} and the commands it takes over
     * {@code data/shell.sock}) the same class is registered here, so that {@code felix:stop 31} works as it does at
     * the prompt. The bundle is only resolved to load the class, not started.
     */
    private static void registerConverters(Framework framework, Bundle shell) {
        try {
            Object converters = shell.loadClass(CONVERTERS).getConstructor(BundleContext.class)
                .newInstance(framework.getBundleContext());
            framework.getBundleContext().registerService(CONVERTER, converters, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Commands still run; only those taking a bundle or a service reference cannot be called.
            System.err.println("modelmanager: commands cannot take bundle ids (" + e + ")");
        }
    }

    static final String CONVERTERS = "org.apache.felix.gogo.jline.Converters";
    static final String CONVERTER = "org.apache.felix.service.command.Converter";

    /**
     * JLine finds its terminal implementations through the thread context class loader; the shell's thread
     * inherits it from here, so it must be JLine's own bundle class loader or the shell gets a dumb terminal.
     */
    private static void startShell(Bundle shell, List<Bundle> bundles) throws BundleException {
        ClassLoader jline = bundles.stream().filter(b -> JLINE.equals(b.getSymbolicName()))
            .map(b -> b.adapt(BundleWiring.class)).filter(w -> w != null).map(BundleWiring::getClassLoader)
            .findFirst().orElse(null);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(jline != null ? jline : previous);
        try {
            shell.start();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void stop(Framework framework, PrintStream err) {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException e) {
            err.println("modelmanager: stopping the framework failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
