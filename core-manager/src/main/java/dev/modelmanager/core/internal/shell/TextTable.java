package dev.modelmanager.core.internal.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Renders rows as a plain-text table with aligned columns, for shell output. */
final class TextTable {
    private final List<String> headers;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    TextTable row(Object... cells) {
        String[] row = new String[headers.size()];
        for (int i = 0; i < row.length; i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row[i] = cell == null ? "-" : String.valueOf(cell);
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    @Override
    public String toString() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers.toArray(String[]::new), widths);
        for (String[] row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                char[] pad = new char[widths[i] - cells[i].length() + 2];
                Arrays.fill(pad, ' ');
                line.append(pad);
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
