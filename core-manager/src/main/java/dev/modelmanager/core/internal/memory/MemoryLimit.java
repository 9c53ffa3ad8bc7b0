package dev.modelmanager.core.internal.memory;

import java.util.Locale;

/**
 * How a memory budget is given: {@code infinity}, {@code auto} (80 % of a device's memory), bytes (with an optional
 * k, m, g or t suffix), or a percentage of a device's memory.
 */
public record MemoryLimit(String text, long bytes, double fraction) {
    public static final MemoryLimit INFINITY = new MemoryLimit("infinity", Long.MAX_VALUE, 0);

    public static MemoryLimit parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("infinity") || v.equals("unlimited")) {
            return INFINITY;
        }
        if (v.equals("auto")) {
            return new MemoryLimit("auto", -1, 0.8);
        }
        try {
            if (v.endsWith("%")) {
                double percent = Double.parseDouble(v.substring(0, v.length() - 1));
                if (percent <= 0 || percent > 100) {
                    throw new NumberFormatException();
                }
                return new MemoryLimit(v, -1, percent / 100);
            }
            long unit = switch (v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            String number = unit == 1 ? v : v.substring(0, v.length() - 1);
            long bytes = (long) (Double.parseDouble(number) * unit);
            if (bytes <= 0) {
                throw new NumberFormatException();
            }
            return new MemoryLimit(v, bytes, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("memory.budget must be infinity, auto, a size (e.g. 12g) or a "
                + "percentage (e.g. 70%), was " + value);
        }
    }

    /** The budget on a device of this total memory; unlimited when the total is unknown and no size was given. */
    public long on(long totalBytes) {
        if (bytes > 0) {
            return bytes;
        }
        if (fraction > 0 && totalBytes > 0) {
            return (long) (totalBytes * fraction);
        }
        return Long.MAX_VALUE;
    }
}
