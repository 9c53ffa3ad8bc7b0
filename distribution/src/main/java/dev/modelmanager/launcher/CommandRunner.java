package dev.modelmanager.launcher;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs Gogo commands through the {@code CommandProcessor} service. Gogo's API lives in a bundle the launcher's
 * class loader cannot see, so it is called reflectively through the service's own interface.
 */
final class CommandRunner {
    /** How long to wait for Gogo and the manager's commands to be registered. */
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";

    private final BundleContext context;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Path directory;

    CommandRunner(BundleContext context, InputStream in, PrintStream out, PrintStream err) {
        this(context, in, out, err, null);
    }

    /**
     * @param directory the session's current directory, against which commands take relative paths (the folder of
     *                  the process that sent them); {@code null}: this process's working directory
     */
    CommandRunner(BundleContext context, InputStream in, PrintStream out, PrintStream err, Path directory) {
        this.context = context;
        this.in = in;
        this.out = out;
        this.err = err;
        this.directory = directory;
    }

    /** Runs every command in order, stopping at the first failure. */
    int runAll(List<String> commands) throws InterruptedException {
        Object processor = await("(objectClass=" + PROCESSOR + ")", "the Gogo command processor");
        if (processor == null) {
            return Launcher.STARTUP_FAILED;
        }
        // model:default is registered only once the command that answers unknown words is (UnknownCommand).
        if (await("(&(osgi.command.scope=model)(osgi.command.function=default))",
            "the model manager's commands") == null) {
            return Launcher.STARTUP_FAILED;
        }
        try {
            Class<?> processorType = processor.getClass().getClassLoader().loadClass(PROCESSOR);
            Class<?> sessionType = processor.getClass().getClassLoader().loadClass(SESSION);
            Method create = processorType.getMethod("createSession", InputStream.class, java.io.OutputStream.class,
                java.io.OutputStream.class);
            Method execute = sessionType.getMethod("execute", CharSequence.class);
            Method format = sessionType.getMethod("format", Object.class, int.class);
            Method close = sessionType.getMethod("close");
            Object session = create.invoke(processor, in, out, err);
            if (directory != null) {
                sessionType.getMethod("currentDir", Path.class).invoke(session, directory);
            }
            try {
                for (String command : commands) {
                    if (!runOne(session, execute, format, command)) {
                        return Launcher.COMMAND_FAILED;
                    }
                }
                return Launcher.OK;
            } finally {
                close.invoke(session);
                out.flush();
            }
        } catch (ReflectiveOperationException e) {
            err.println("modelmanager: cannot use the Gogo command processor: " + e);
            return Launcher.STARTUP_FAILED;
        }
    }

    private boolean runOne(Object session, Method execute, Method format, String command)
        throws IllegalAccessException {
        try {
            Object result = execute.invoke(session, command);
            if (result != null) {
                String text = result instanceof CharSequence cs ? cs.toString()
                    : String.valueOf(format.invoke(session, result, 0));
                out.print(text);
                if (!text.endsWith("\n")) {
                    out.println();
                }
            }
            out.flush();
            return true;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            // The command's first word only: the rest (a prompt, option.* values) may hold what is not for a log.
            err.println("error: " + command.strip().split("\\s+", 2)[0] + ": " + message);
            return false;
        }
    }

    private Object await(String filter, String what) throws InterruptedException {
        Filter f;
        try {
            f = context.createFilter(filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, f, null);
        tracker.open(true);
        try {
            if (tracker.waitForService(READY_TIMEOUT_MS) == null) {
                err.println("modelmanager: " + what + " did not appear within " + READY_TIMEOUT_MS / 1000 + " s");
                return null;
            }
            ServiceReference<Object> reference = tracker.getServiceReference();
            // Our own use of the service, held until the framework stops.
            return reference == null ? null : context.getService(reference);
        } finally {
            tracker.close();
        }
    }
}
