package dev.modelmanager.core.internal.shell;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records failed shell commands in the log, as the shell itself prints one line and no stack trace: the command's
 * name and the error at INFO (a mistyped or misused command at DEBUG), the stack trace at DEBUG; an error that is
 * neither the manager's nor a bad argument, a bug then, at WARN with its trace. Only the first word of the line is
 * written: the rest may hold a key or a token.
 */
@Component(service = CommandSessionListener.class)
public final class CommandFailureLog implements CommandSessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(CommandFailureLog.class);

    @Override
    public void beforeExecute(CommandSession session, CharSequence commandline) {
        // only failures are recorded
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Object result) {
        // only failures are recorded
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Exception exception) {
        String command = command(commandline);
        String message = exception.getMessage() != null ? exception.getMessage() : exception.toString();
        if (exception instanceof ShellError) {
            LOG.debug("shell: {}: {}", command, message);
        } else if (exception instanceof dev.modelmanager.api.ModelException || exception instanceof IllegalArgumentException
            || exception instanceof InterruptedException) {
            LOG.info("shell: {} failed: {}", command, message);
            LOG.debug("shell: {} failed", command, exception);
        } else {
            LOG.warn("shell: {} failed: {}", command, message, exception);
        }
    }

    /** The first word of a command line. */
    static String command(CharSequence commandline) {
        String line = commandline == null ? "" : commandline.toString().strip();
        int end = 0;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        return line.isEmpty() ? "(empty line)" : line.substring(0, end);
    }
}
