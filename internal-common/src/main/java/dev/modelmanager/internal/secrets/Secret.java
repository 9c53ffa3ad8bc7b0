package dev.modelmanager.internal.secrets;

/**
 * A secret as {@link SecretSource#resolve} found it: the value, where it came from and what keeps it from being read.
 * {@link #toString()} never shows the value.
 *
 * @param value    the secret, or {@code null}
 * @param origin   for logs and messages, never the value: {@code file <path>}, {@code environment variable <name>},
 *                 {@code inline} or {@code none}
 * @param property the configuration property it came from (or that names what cannot be read), e.g.
 *                 {@code api.key.file}; {@code null} when it came from the fallback variable or from nowhere
 * @param problem  why a configured secret could not be read (then {@code value} is {@code null}), or {@code null}
 */
public record Secret(String value, String origin, String property, String problem) {
    /** No secret, none configured. */
    public static final Secret NONE = new Secret(null, "none", null, null);

    /** Whether the configuration names a secret that cannot be read. */
    public boolean unreadable() {
        return problem != null;
    }

    /** {@code <origin>: <problem>}, for messages; {@code null} when there is no problem. */
    public String describeProblem() {
        return problem == null ? null : origin + ": " + problem;
    }

    @Override
    public String toString() {
        return (value == null ? "none" : "set") + " (" + origin + (problem == null ? "" : ": " + problem) + ")";
    }
}
