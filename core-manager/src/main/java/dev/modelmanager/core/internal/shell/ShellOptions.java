package dev.modelmanager.core.internal.shell;

import java.util.Locale;

/**
 * Options read from their words. Commands declare their options as text and read them here, rather than as numbers
 * Gogo converts: Gogo scores each conversion of a default, so a command with numeric options scored worse than its
 * scope's {@code _main} when the options were left out, and {@code model:generate story Once upon a time} printed
 * the usage instead of running. A bad value fails naming the option and what it must be.
 */
final class ShellOptions {
    private ShellOptions() {
    }

    /** A whole number from {@code min} to {@code max}; {@code null} when the option was not given. */
    static Integer whole(String option, String value, int min, int max) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ShellError(option + ": must be a whole number from " + min + " to " + max + ", was '" + value + "'");
    }

    /** A number from {@code min} to {@code max}; {@code null} when the option was not given. */
    static Double number(String option, String value, double min, double max) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            double n = Double.parseDouble(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ShellError(option + ": must be a number from " + format(min) + " to " + format(max) + ", was '"
            + value + "'");
    }

    private static String format(double n) {
        return n == Math.rint(n) && Math.abs(n) < 1e9 ? Long.toString((long) n) : String.format(Locale.ROOT, "%s", n);
    }
}
