package dev.modelmanager.api;

import java.util.regex.Pattern;

/**
 * What a model id (and an alias) may look like: 1 to 200 letters, digits or {@code . _ - : @}, starting with a
 * letter or digit; {@value ModelManager#DEFAULT_MODEL} is reserved for the default route.
 * <p>
 * An id is the manager's key for a registration, and every face addresses it as it is: a REST path segment
 * ({@code /api/v1/models/<id>}, no encoding needed), a Gogo argument ({@code model:info <id>}), an LDAP filter on
 * {@link ModelManagerConstants#MODEL_ID}, an event property, a Prometheus label. A {@code /} is not allowed: in a
 * path it would split the id, and encoded ({@code %2F}) it is refused by servlet containers as an ambiguous path
 * separator. Hub-style names such as {@code org/model} belong in the requirement's {@code name} (or {@code hub}),
 * which may hold any text; {@link #suggest} gives an id for such a name.
 */
public final class ModelIds {
    /** The rule as a regular expression. */
    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}";
    /** The longest id. */
    public static final int MAX_LENGTH = 200;

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private ModelIds() {
    }

    /** Whether this is a valid id (the reserved {@value ModelManager#DEFAULT_MODEL} is not). */
    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /**
     * What is wrong with an id, in words a person can act on (with a valid id to use instead where there is one),
     * or {@code null} when it is valid.
     */
    public static String problem(String id) {
        if (id == null) {
            return "is required";
        }
        if (ModelManager.DEFAULT_MODEL.equals(id)) {
            return "'" + id + "' is reserved for the default route";
        }
        if (COMPILED.matcher(id).matches()) {
            return null;
        }
        String shown = id.length() > 60 ? id.substring(0, 60) + "..." : id;
        String why = "must be 1-" + MAX_LENGTH + " letters, digits or . _ - : @ starting with a letter or digit, was '"
            + shown + "'";
        if (id.indexOf('/') >= 0) {
            why += " ('/' belongs in the model's name, e.g. name=" + shown + ", not in its id)";
        }
        String suggestion = suggest(id);
        return suggestion == null ? why : why + "; for example '" + suggestion + "'";
    }

    /**
     * Checks an id.
     *
     * @param field the field that holds it, named in the error ({@code model_id}, {@code alias})
     * @throws ModelException {@link ErrorCode#INVALID_REQUIREMENT} naming the field
     */
    public static void check(String field, String id) {
        String problem = problem(id);
        if (problem != null) {
            throw ModelException.invalidRequirement(field, problem);
        }
    }

    /**
     * A valid id made from any text (a Hub name {@code org/model} gives {@code org--model}): characters outside the
     * rule become {@code -} ({@code /} becomes {@code --}, so that {@code a/b} and {@code a-b} stay apart), leading
     * ones are dropped, and the result is cut at {@link #MAX_LENGTH}; {@code null} when nothing usable is left.
     */
    public static String suggest(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
        for (int i = 0; i < text.length() && b.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            boolean letterOrDigit = c < 128 && Character.isLetterOrDigit(c);
            if (b.isEmpty() && !letterOrDigit) {
                continue;
            }
            if (letterOrDigit || c == '.' || c == '_' || c == '-' || c == ':' || c == '@') {
                b.append(c);
            } else {
                b.append(c == '/' ? "--" : "-");
            }
        }
        if (b.length() > MAX_LENGTH) {
            b.setLength(MAX_LENGTH);
        }
        String id = b.toString();
        return id.isEmpty() || !COMPILED.matcher(id).matches() || ModelManager.DEFAULT_MODEL.equals(id) ? null : id;
    }
}
