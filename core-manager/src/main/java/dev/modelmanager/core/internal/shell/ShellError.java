package dev.modelmanager.core.internal.shell;

/**
 * A mistake at the shell: a word that is no command, a command called without what it needs. The interactive shell
 * prints a failed command's {@code toString()}; this one is the message alone, one line, with no class name.
 */
final class ShellError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ShellError(String message) {
        super(message);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
