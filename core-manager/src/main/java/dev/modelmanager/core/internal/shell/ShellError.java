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

    /** A failure that is not the shell's own, as its one line: its message, else what it is. */
    static ShellError of(Throwable cause) {
        return new ShellError(cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
