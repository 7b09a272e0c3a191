package io.sgnflow.jobs.data;

/**
 * Why one data row of a CSV file could not be used.
 *
 * @param line line of the file where the row starts (the header is line 1)
 * @param reason what is wrong, naming the column and the value
 */
public record RowError(int line, String reason) {
    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
