package dev.modelmanager.core.internal.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The command names closest to a mistyped one, for "did you mean ...?": the fewest single-letter edits (insert,
 * delete, replace, or swap two neighbours), at most one per three letters of the typed function (at least one).
 * A typed {@code scope:function} is compared with whole names; a bare word with the functions of every scope.
 */
final class NearestCommand {
    /** How many names a suggestion lists at most. */
    static final int MOST = 3;

    private NearestCommand() {
    }

    /**
     * @param typed    what was typed as the command, e.g. {@code model:lsit} or {@code lsit}
     * @param commands the known names, {@code scope:function} or bare (a closure such as {@code exit})
     * @return the nearest names, best first, sorted among equals; empty when none is near enough
     */
    static List<String> to(String typed, Collection<String> commands) {
        String word = typed.toLowerCase(Locale.ROOT);
        int colon = word.indexOf(':');
        String function = colon < 0 ? word : word.substring(colon + 1);
        int allowed = Math.max(1, function.length() / 3);
        int best = Integer.MAX_VALUE;
        TreeSet<String> nearest = new TreeSet<>();
        for (String command : commands) {
            String name = command.toLowerCase(Locale.ROOT);
            if (name.startsWith("*:") || name.equals(word)) {
                continue;
            }
            int nameColon = name.indexOf(':');
            String compared = colon < 0 && nameColon >= 0 ? name.substring(nameColon + 1) : name;
            int distance = distance(word, compared);
            if (distance > allowed || distance > best) {
                continue;
            }
            if (distance < best) {
                best = distance;
                nearest.clear();
            }
            nearest.add(command);
        }
        List<String> out = new ArrayList<>(nearest);
        return out.subList(0, Math.min(MOST, out.size()));
    }

    /** The words of a suggestion: {@code a}, {@code a or b}, {@code a, b or c}. */
    static String or(List<String> names) {
        if (names.size() < 2) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring letters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
