package dev.modelmanager.core.internal.shell;

import java.util.Locale;

/** Human-readable byte counts. */
final class Bytes {
    private Bytes() {
    }

    /** {@code 1.5 MiB}, {@code 812 B}, or {@code unknown} for a negative count. */
    static String format(long bytes) {
        if (bytes < 0) {
            return "unknown";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
