package io.sgnflow.jobs.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The numeric view of a {@link CsvTable} on a list of columns: one entry per data row of the table,
 * in file order, holding either the parsed values (finite doubles, in the order of the requested
 * columns) and optionally a 0/1 label, or the reason the row was rejected.
 *
 * <p>Immutable.
 */
public final class NumericRows {
    private final List<String> columns;
    private final String labelColumn;
    private final int[] lines;
    private final double[][] values;
    private final boolean[] labels;
    private final String[] errors;
    private final int validCount;

    NumericRows(
            List<String> columns,
            String labelColumn,
            int[] lines,
            double[][] values,
            boolean[] labels,
            String[] errors) {
        this.columns = List.copyOf(columns);
        this.labelColumn = labelColumn;
        this.lines = lines;
        this.values = values;
        this.labels = labels;
        this.errors = errors;
        int valid = 0;
        for (String error : errors) {
            if (error == null) {
                valid++;
            }
        }
        this.validCount = valid;
    }

    /** The columns whose values each row holds, in that order. */
    public List<String> columns() {
        return columns;
    }

    /** The label column, or null when labels were not requested. */
    public String labelColumn() {
        return labelColumn;
    }

    /** Number of data rows in the table, valid or not. */
    public int size() {
        return lines.length;
    }

    public int validCount() {
        return validCount;
    }

    public int rejectedCount() {
        return lines.length - validCount;
    }

    /**
     * Fails, naming the file and the first reason, when no row is usable, so that a command never
     * reports figures (or errors) about zero rows as if the data had been read.
     */
    public void requireValidRows(String option, Object file) {
        if (validCount > 0) {
            return;
        }
        if (lines.length == 0) {
            throw new IllegalArgumentException(option + ": " + file + " has no data rows");
        }
        throw new IllegalArgumentException(
                option
                        + ": "
                        + file
                        + " has no usable rows: all "
                        + lines.length
                        + " data rows were skipped (first: "
                        + errors().get(0)
                        + ")");
    }

    public boolean isValid(int row) {
        return errors[row] == null;
    }

    /** Line of the file where data row {@code row} (0-based) starts; the header is line 1. */
    public int line(int row) {
        return lines[row];
    }

    /**
     * The values of a valid row, in {@link #columns()} order (shared, do not modify).
     *
     * @throws IllegalStateException if the row was rejected
     */
    public double[] values(int row) {
        if (errors[row] != null) {
            throw new IllegalStateException(
                    "row at line " + lines[row] + " was rejected: " + errors[row]);
        }
        return values[row];
    }

    /**
     * The 0/1 label of a valid row as a boolean (true = anomaly).
     *
     * @throws IllegalStateException if labels were not requested or the row was rejected
     */
    public boolean label(int row) {
        if (labels == null) {
            throw new IllegalStateException("no label column was requested");
        }
        values(row);
        return labels[row];
    }

    /** Why a row was rejected, or null for a valid row. */
    public String error(int row) {
        return errors[row];
    }

    /** The valid rows' values, [validCount, columns], in file order. */
    /** File lines of the valid rows, in the order of {@link #validValues()}. */
    public int[] validLines() {
        int[] out = new int[validCount()];
        int k = 0;
        for (int i = 0; i < size(); i++) {
            if (isValid(i)) {
                out[k++] = line(i);
            }
        }
        return out;
    }

    public double[][] validValues() {
        double[][] out = new double[validCount][];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (errors[i] == null) {
                out[k++] = values[i];
            }
        }
        return out;
    }

    /** The valid rows' labels, in file order. */
    public boolean[] validLabels() {
        if (labels == null) {
            throw new IllegalStateException("no label column was requested");
        }
        boolean[] out = new boolean[validCount];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (errors[i] == null) {
                out[k++] = labels[i];
            }
        }
        return out;
    }

    /** Every rejected row, in file order. */
    public List<RowError> errors() {
        List<RowError> out = new ArrayList<>();
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] != null) {
                out.add(new RowError(lines[i], errors[i]));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
